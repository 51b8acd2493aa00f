import t from 'tap';
import { encodePubkey } from '@cosmjs/proto-signing';
import { encodeEd25519Pubkey, encodeSecp256k1Pubkey } from '@cosmjs/amino';
import { Any } from 'cosmjs-types/google/protobuf/any';
import { addressFromEd25519, addressFromSecp256k1 } from '../../../chain/crypto/addresses.js';
import { ed25519PublicKey, signEd25519 } from '../../../chain/crypto/ed25519.js';
import { CryptoErrors } from '../../../chain/crypto/errors.js';
import { sha256 } from '../../../chain/crypto/hash.js';
import {
  addressOfPubKeyAny,
  decodePubKeyAny,
  ED25519_PUBKEY_TYPE_URL,
  encodePubKeyAny,
  SECP256K1_PUBKEY_TYPE_URL,
  verifyWithPubKeyAny,
} from '../../../chain/crypto/pubkeys.js';
import { secp256k1PublicKey, signSecp256k1 } from '../../../chain/crypto/secp256k1.js';

const secpPriv = new Uint8Array(32).fill(3);
const edPriv = new Uint8Array(32).fill(4);
const secpPub = secp256k1PublicKey(secpPriv);
const edPub = ed25519PublicKey(edPriv);
const secpAny = encodePubKeyAny({ algo: 'secp256k1', key: secpPub });
const edAny = encodePubKeyAny({ algo: 'ed25519', key: edPub });
const signBytes = new TextEncoder().encode('a SignDoc, encoded');

t.test('encoding matches cosmjs and round-trips', async (t) => {
  const cosmjsSecp = encodePubkey(encodeSecp256k1Pubkey(secpPub));
  const cosmjsEd = encodePubkey(encodeEd25519Pubkey(edPub));
  t.equal(secpAny.typeUrl, SECP256K1_PUBKEY_TYPE_URL);
  t.equal(edAny.typeUrl, ED25519_PUBKEY_TYPE_URL);
  t.same(Any.encode(secpAny).finish(), Any.encode(cosmjsSecp).finish());
  t.same(Any.encode(edAny).finish(), Any.encode(cosmjsEd).finish());
  t.same(decodePubKeyAny(cosmjsSecp), { algo: 'secp256k1', key: secpPub });
  t.same(decodePubKeyAny(cosmjsEd), { algo: 'ed25519', key: edPub });
});

t.test('addresses of pubkey Anys', async (t) => {
  t.same(addressOfPubKeyAny(secpAny), addressFromSecp256k1(secpPub));
  t.same(addressOfPubKeyAny(edAny), addressFromEd25519(edPub));
});

t.test('verification dispatches by key type, as the SDK signs', async (t) => {
  const secpSig = signSecp256k1(secpPriv, signBytes); // over SHA-256(signBytes)
  const edSig = signEd25519(edPriv, signBytes); // over signBytes as they are
  t.ok(verifyWithPubKeyAny(secpAny, signBytes, secpSig));
  t.ok(verifyWithPubKeyAny(edAny, signBytes, edSig));
  t.notOk(verifyWithPubKeyAny(edAny, signBytes, signEd25519(edPriv, sha256(signBytes))), 'ed25519 does not pre-hash');
  t.notOk(verifyWithPubKeyAny(secpAny, signBytes, edSig), 'wrong algorithm');
  t.notOk(verifyWithPubKeyAny(secpAny, new TextEncoder().encode('other'), secpSig), 'wrong bytes');
  t.notOk(verifyWithPubKeyAny(edAny, signBytes, edSig.subarray(1)), 'truncated signature');
});

t.test('typed errors for unusable keys', async (t) => {
  const multisig = Any.fromPartial({ typeUrl: '/cosmos.crypto.multisig.LegacyAminoPubKey', value: new Uint8Array([8, 1]) });
  t.throws(() => decodePubKeyAny(multisig), CryptoErrors.UnknownPubKeyType());
  t.throws(() => verifyWithPubKeyAny(multisig, signBytes, new Uint8Array(64)), { message: /LegacyAminoPubKey.*supported/ });
  t.throws(() => addressOfPubKeyAny(Any.fromPartial({ typeUrl: '', value: new Uint8Array() })), CryptoErrors.UnknownPubKeyType());
  t.throws(() => decodePubKeyAny(undefined as unknown as Any), CryptoErrors.UnknownPubKeyType());

  const wrongLength = Any.fromPartial({ typeUrl: ED25519_PUBKEY_TYPE_URL, value: Any.encode(Any.fromPartial({})).finish() });
  t.throws(() => decodePubKeyAny(wrongLength), CryptoErrors.InvalidPubKey(), 'empty key');
  const secpInEd = Any.fromPartial({ typeUrl: ED25519_PUBKEY_TYPE_URL, value: secpAny.value });
  t.throws(() => decodePubKeyAny(secpInEd), { message: /ed25519 public key must be 32 bytes, got 33 bytes/ });
  const badPrefix = new Uint8Array(secpPub);
  badPrefix[0] = 4;
  t.throws(() => encodePubKeyAny({ algo: 'secp256k1', key: badPrefix }), CryptoErrors.InvalidPubKey());
  const garbage = Any.fromPartial({ typeUrl: SECP256K1_PUBKEY_TYPE_URL, value: new Uint8Array([0x0a, 0xff, 0xff]) });
  t.throws(() => decodePubKeyAny(garbage), CryptoErrors.InvalidPubKey(), 'truncated protobuf');
  const extraField = Any.fromPartial({
    typeUrl: SECP256K1_PUBKEY_TYPE_URL,
    value: new Uint8Array([...secpAny.value, 0x10, 0x01]),
  });
  t.throws(() => decodePubKeyAny(extraField), { message: /not canonically encoded/ }, 'extra field');
  t.throws(() => encodePubKeyAny({ algo: 'sr25519' as 'ed25519', key: edPub }), CryptoErrors.UnsupportedAlgo());
});
