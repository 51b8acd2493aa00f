import { encodeEd25519Pubkey } from '@cosmjs/amino';
import { toBase64 } from '@cosmjs/encoding';
import {
  DirectSecp256k1Wallet,
  makeSignBytes,
  type AccountData,
  type DirectSignResponse,
  type OfflineDirectSigner,
} from '@cosmjs/proto-signing';
import { AuthInfo, SignDoc } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import type { Any } from 'cosmjs-types/google/protobuf/any';
import { ACCOUNT_PREFIX, addressFromEd25519, toBech32Address } from './addresses.js';
import { ed25519PublicKey, signEd25519 } from './ed25519.js';
import { CryptoErrors } from './errors.js';
import { encodePubKeyAny, SECP256K1_PUBKEY_TYPE_URL, type KeyAlgo } from './pubkeys.js';

/**
 * A SIGN_MODE_DIRECT signer for an ed25519 account, usable by @cosmjs/stargate's SigningStargateClient.
 *
 * SigningStargateClient (cosmjs 0.39) always wraps the account's pubkey as a secp256k1 key when it builds the
 * AuthInfo (`getAminoPubkey` only distinguishes eth_secp256k1; `encodeSecp256k1Pubkey` rejects anything but a
 * 33-byte 02/03 key), although `encodePubkey` itself understands ed25519. So `getAccounts()` reports, with
 * algo "ed25519", a 33-byte *carrier* (0x02 ‖ the ed25519 key) that the client accepts; `signDirect` then swaps
 * each carrier SignerInfo pubkey for the real `/cosmos.crypto.ed25519.PubKey` Any, re-encodes the AuthInfo and
 * signs the SignDoc it returns. cosmjs builds the TxRaw from the returned (`signed`) SignDoc, as the
 * OfflineDirectSigner contract allows, so the broadcast tx carries the ed25519 key and a valid signature.
 * A SignDoc that already carries the ed25519 Any (built by other clients) is signed unchanged.
 * Fee "auto" sends the carrier in Simulate; like the Cosmos SDK, the node must not match pubkeys against
 * addresses in simulation (signatures are not checked there either).
 */
export class Ed25519DirectSigner implements OfflineDirectSigner {
  readonly publicKey: Uint8Array;
  readonly address: string;
  /** What `getAccounts()` reports as pubkey; never appears in a signed tx. */
  readonly carrierPubkey: Uint8Array;
  private readonly carrierAny: Any;

  private constructor(
    private readonly privateKey: Uint8Array,
    prefix: string,
  ) {
    this.publicKey = ed25519PublicKey(privateKey);
    this.address = toBech32Address(addressFromEd25519(this.publicKey), prefix);
    this.carrierPubkey = new Uint8Array([0x02, ...this.publicKey]);
    this.carrierAny = encodePubKeyAny({ algo: 'secp256k1', key: this.carrierPubkey });
  }

  static fromKey(privateKey: Uint8Array, prefix: string = ACCOUNT_PREFIX): Ed25519DirectSigner {
    return new Ed25519DirectSigner(new Uint8Array(privateKey), prefix);
  }

  async getAccounts(): Promise<readonly AccountData[]> {
    return [{ address: this.address, algo: 'ed25519', pubkey: this.carrierPubkey }];
  }

  async signDirect(signerAddress: string, signDoc: SignDoc): Promise<DirectSignResponse> {
    if (signerAddress !== this.address) {
      throw CryptoErrors.SignerMismatch(`asked to sign for ${signerAddress}, this signer holds ${this.address}`);
    }
    const signed = this.withEd25519PubKey(signDoc);
    const signature = signEd25519(this.privateKey, makeSignBytes(signed));
    return { signed, signature: { pub_key: encodeEd25519Pubkey(this.publicKey), signature: toBase64(signature) } };
  }

  /** The SignDoc with every carrier pubkey in its AuthInfo replaced by the ed25519 Any. */
  private withEd25519PubKey(signDoc: SignDoc): SignDoc {
    let authInfo: AuthInfo;
    try {
      authInfo = AuthInfo.decode(signDoc.authInfoBytes);
    } catch {
      return signDoc; // not ours to judge: like any wallet, sign the bytes we were given
    }
    let replaced = false;
    for (const info of authInfo.signerInfos) {
      if (info.publicKey?.typeUrl !== SECP256K1_PUBKEY_TYPE_URL) continue;
      if (!Buffer.from(info.publicKey.value).equals(this.carrierAny.value)) continue;
      info.publicKey = encodePubKeyAny({ algo: 'ed25519', key: this.publicKey });
      replaced = true;
    }
    if (!replaced) return signDoc;
    return SignDoc.fromPartial({ ...signDoc, authInfoBytes: AuthInfo.encode(authInfo).finish() });
  }
}

/** A SIGN_MODE_DIRECT signer for a raw secp256k1 private key (cosmjs's own wallet, low-S RFC 6979 signatures). */
export function secp256k1DirectSigner(
  privateKey: Uint8Array,
  prefix: string = ACCOUNT_PREFIX,
): Promise<OfflineDirectSigner> {
  return DirectSecp256k1Wallet.fromKey(privateKey, prefix);
}

/** A direct signer for a raw private key of either algorithm. */
export async function directSignerFromKey(
  algo: KeyAlgo,
  privateKey: Uint8Array,
  prefix: string = ACCOUNT_PREFIX,
): Promise<OfflineDirectSigner> {
  return algo === 'secp256k1'
    ? secp256k1DirectSigner(privateKey, prefix)
    : Ed25519DirectSigner.fromKey(privateKey, prefix);
}
