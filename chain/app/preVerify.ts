import { decodeTx, directSignBytes, SignMode } from '../codec/tx.js';
import { decodePubKeyAny } from '../crypto/pubkeys.js';
import type { SignatureCheck } from '../crypto/verifyBatch.js';
import type { KVReader } from '../store/kv.js';
import type { AuthKeeper } from '../modules/auth/keeper.js';
import type { MsgRouter } from './router.js';
import type { SigCache } from '../crypto/sigCache.js';
import { txSigners } from './txRunner.js';

/** A signature the ante would verify, with what the SigCache keys it by (the signer's key as an Any value). */
export interface PendingSignature extends SignatureCheck {
  pubKeyValue: Uint8Array;
}

/**
 * The signatures CheckTx would verify for `tx` that this node has not verified yet, derived exactly as the
 * ante derives them (signers from the messages, the account's key or else the one the tx carries, SIGN_MODE_DIRECT
 * bytes with the account number). Best effort and side-effect free: a tx that fails any step gives none of
 * its signatures here, and CheckTx then reports the problem itself.
 */
export function pendingSignatures(
  deps: { router: MsgRouter; auth: AuthKeeper; sigCache: SigCache; maxTxBytes: number },
  state: KVReader,
  chainId: string,
  txBytes: Uint8Array,
): PendingSignature[] {
  try {
    const tx = decodeTx(txBytes, deps.maxTxBytes);
    const signers = txSigners(tx.messages.map((m) => deps.router.decode(m)));
    const out: PendingSignature[] = [];
    signers.forEach((signer, i) => {
      const info = tx.signerInfos[i];
      const signature = tx.signatures[i];
      if (!info || !signature || info.mode !== SignMode.SIGN_MODE_DIRECT) return;
      const acc = deps.auth.getAccount(state, signer);
      const pubKey = acc?.pubKey ?? info.publicKey;
      if (!acc || !pubKey) return;
      const message = directSignBytes(tx, chainId, acc.accountNumber);
      if (deps.sigCache.has(pubKey.value, message, signature)) return;
      const { algo, key } = decodePubKeyAny(pubKey);
      out.push({ algo, key, message, signature, pubKeyValue: pubKey.value });
    });
    return out;
  } catch {
    return [];
  }
}
