import t, { type Test } from 'tap';
import { SigningStargateClient, type SignerData, type StdFee } from '@cosmjs/stargate';
import { makeAuthInfoBytes, makeSignBytes, makeSignDoc } from '@cosmjs/proto-signing';
import { fromBase64 } from '@cosmjs/encoding';
import { AuthInfo, TxBody, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { addressFromSecp256k1, toBech32Address } from '../../../chain/crypto/addresses.js';
import { verifyEd25519 } from '../../../chain/crypto/ed25519.js';
import { CryptoErrors } from '../../../chain/crypto/errors.js';
import {
  addressOfPubKeyAny,
  decodePubKeyAny,
  ED25519_PUBKEY_TYPE_URL,
  encodePubKeyAny,
  SECP256K1_PUBKEY_TYPE_URL,
  verifyWithPubKeyAny,
} from '../../../chain/crypto/pubkeys.js';
import { secp256k1PublicKey } from '../../../chain/crypto/secp256k1.js';
import { Ed25519DirectSigner, secp256k1DirectSigner } from '../../../chain/crypto/signers.js';

const chainId = 'vivian-dev-1';
const fee: StdFee = { amount: [{ denom: 'uviv', amount: '500' }], gas: '200000' };
const signerData: SignerData = { accountNumber: 12n, sequence: 3, chainId };
const sendFrom = (from: string) => ({
  typeUrl: '/cosmos.bank.v1beta1.MsgSend',
  value: MsgSend.fromPartial({ fromAddress: from, toAddress: from, amount: [{ denom: 'uviv', amount: '1' }] }),
});

/** Decodes a TxRaw and checks its one signature against the SignDoc rebuilt from its own bytes. */
function checkTx(t: Test, txRaw: TxRaw, expectedTypeUrl: string, expectedAddress: string) {
  const authInfo = AuthInfo.decode(txRaw.authInfoBytes);
  t.equal(authInfo.signerInfos.length, 1);
  const pubkey = authInfo.signerInfos[0]!.publicKey!;
  t.equal(pubkey.typeUrl, expectedTypeUrl);
  t.equal(toBech32Address(addressOfPubKeyAny(pubkey)), expectedAddress, 'the pubkey is the sender');
  t.equal(authInfo.signerInfos[0]!.sequence, 3n);
  t.equal(TxBody.decode(txRaw.bodyBytes).messages[0]!.typeUrl, '/cosmos.bank.v1beta1.MsgSend');
  const signBytes = makeSignBytes(makeSignDoc(txRaw.bodyBytes, txRaw.authInfoBytes, chainId, 12));
  t.ok(verifyWithPubKeyAny(pubkey, signBytes, txRaw.signatures[0]!), 'signature verifies over the SignDoc bytes');
  t.notOk(
    verifyWithPubKeyAny(pubkey, makeSignBytes(makeSignDoc(txRaw.bodyBytes, txRaw.authInfoBytes, chainId, 13)), txRaw.signatures[0]!),
    'and not for another account number',
  );
}

t.test('ed25519 signer through SigningStargateClient yields an ed25519 pubkey in the tx', async (t) => {
  const signer = Ed25519DirectSigner.fromKey(new Uint8Array(32).fill(5));
  const [account] = await signer.getAccounts();
  t.equal(account!.algo, 'ed25519');
  t.equal(account!.address, signer.address);
  const client = await SigningStargateClient.offline(signer);
  const txRaw = await client.sign(signer.address, [sendFrom(signer.address)], fee, 'memo', signerData);
  checkTx(t, txRaw, ED25519_PUBKEY_TYPE_URL, signer.address);
  t.same(decodePubKeyAny(AuthInfo.decode(txRaw.authInfoBytes).signerInfos[0]!.publicKey!).key, signer.publicKey);
  t.notOk(Buffer.from(txRaw.authInfoBytes).includes(Buffer.from(signer.carrierPubkey)), 'the carrier is gone');
});

t.test('ed25519 signer signs a SignDoc that already carries the ed25519 key unchanged', async (t) => {
  const signer = Ed25519DirectSigner.fromKey(new Uint8Array(32).fill(6));
  const authInfoBytes = makeAuthInfoBytes(
    [{ pubkey: encodePubKeyAny({ algo: 'ed25519', key: signer.publicKey }), sequence: 0 }],
    fee.amount,
    200000,
    undefined,
    undefined,
  );
  const bodyBytes = TxBody.encode(TxBody.fromPartial({ memo: 'direct' })).finish();
  const signDoc = makeSignDoc(bodyBytes, authInfoBytes, chainId, 1);
  const { signed, signature } = await signer.signDirect(signer.address, signDoc);
  t.same(signed.authInfoBytes, authInfoBytes);
  t.ok(verifyEd25519(signer.publicKey, makeSignBytes(signDoc), fromBase64(signature.signature)));
  t.equal(signature.pub_key.type, 'tendermint/PubKeyEd25519');
  await t.rejects(signer.signDirect('vivian1someoneelse', signDoc), CryptoErrors.SignerMismatch());

  const opaque = makeSignDoc(bodyBytes, new Uint8Array([0x0a, 0xff]), chainId, 1);
  const opaqueSigned = await signer.signDirect(signer.address, opaque);
  t.same(opaqueSigned.signed, opaque, 'undecodable AuthInfo is signed as given, like any wallet does');
  t.ok(verifyEd25519(signer.publicKey, makeSignBytes(opaque), fromBase64(opaqueSigned.signature.signature)));
});

t.test('secp256k1 signer from a raw key', async (t) => {
  const privateKey = new Uint8Array(32).fill(7);
  const address = toBech32Address(addressFromSecp256k1(secp256k1PublicKey(privateKey)));
  const signer = await secp256k1DirectSigner(privateKey);
  t.equal((await signer.getAccounts())[0]!.address, address);
  const client = await SigningStargateClient.offline(signer);
  const txRaw = await client.sign(address, [sendFrom(address)], fee, '', signerData);
  checkTx(t, txRaw, SECP256K1_PUBKEY_TYPE_URL, address);
});
