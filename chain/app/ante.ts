import { latin1 } from '../crypto/bytes.js';
import { SignMode } from 'cosmjs-types/cosmos/tx/signing/v1beta1/signing';
import type { Any } from 'cosmjs-types/google/protobuf/any';
import { addressOfPubKeyAny, verifyWithPubKeyAny, ED25519_PUBKEY_TYPE_URL, SECP256K1_PUBKEY_TYPE_URL } from '../crypto/pubkeys.js';
import { toBech32Address } from '../crypto/addresses.js';
import { directSignBytes, type DecodedTx } from '../codec/tx.js';
import { coinsToString, requiredFee, type Coin, type DecCoin } from '../types/coins.js';
import { SdkErrors } from '../types/sdkErrors.js';
import type { AuthKeeper } from '../modules/auth/keeper.js';
import type { BankKeeper } from '../modules/bank/keeper.js';
import type { Context } from './context.js';
import type { SigCache } from '../crypto/sigCache.js';

export const FEE_COLLECTOR = 'fee_collector';

export interface AnteOptions {
  /** the node's --min-gas-price; enforced in CheckTx only, as in the Cosmos SDK */
  minGasPrices: readonly DecCoin[];
  /** signatures already verified by this node (CheckTx fills it, DeliverTx skips re-verifying) */
  sigCache?: SigCache;
}

export interface AnteResult {
  /** fee per unit of gas in the first min-gas-price denom, scaled by 10^9: the mempool orders by it */
  priority: bigint;
  feePayer: string;
}

const PRIORITY_SCALE = 1_000_000_000n;

/** Bech32 addresses of recently seen public keys: deriving one is pure, and the same signers recur. */
const signerAddresses = new Map<string, string>();
const SIGNER_ADDRESS_CACHE = 50_000;

function addressOfSignerKey(publicKey: Any): string {
  const id = `${publicKey.typeUrl}\0${latin1(publicKey.value)}`;
  let address = signerAddresses.get(id);
  if (address === undefined) {
    address = toBech32Address(addressOfPubKeyAny(publicKey)); // throws for a key that cannot be used
    if (signerAddresses.size >= SIGNER_ADDRESS_CACHE) signerAddresses.delete(signerAddresses.keys().next().value!);
    signerAddresses.set(id, address);
  }
  return address;
}

function feeAmount(fee: readonly Coin[], denom: string): bigint {
  return fee.find((c) => c.denom === denom)?.amount ?? 0n;
}

/**
 * The ante handler: what every tx pays and proves before its messages run. Follows the Cosmos SDK's
 * decorator order (memo, size gas, fee, pubkeys, signature gas, signatures, sequences) so errors and gas
 * match what wallets expect. Runs on the tx's ante branch: on success its writes (fee, sequence) stay even
 * when a message later fails.
 */
export function runAnte(
  ctx: Context,
  tx: DecodedTx,
  signers: readonly string[],
  deps: { auth: AuthKeeper; bank: BankKeeper },
  opts: AnteOptions,
): AnteResult {
  const params = deps.auth.getParams(ctx.store);
  const simulate = ctx.mode === 'simulate';

  if (BigInt(tx.memo.length) > params.maxMemoCharacters) {
    throw SdkErrors.MemoTooLarge(`maximum number of characters is ${params.maxMemoCharacters} but received ${tx.memo.length} characters`);
  }
  if (tx.timeoutHeight > 0n && ctx.block.height > tx.timeoutHeight) {
    throw SdkErrors.TxTimeoutHeight(`block height: ${ctx.block.height}, timeout height: ${tx.timeoutHeight}`);
  }
  if (BigInt(tx.signatures.length) > params.txSigLimit) {
    throw SdkErrors.TooManySignatures(`signatures: ${tx.signatures.length}, limit: ${params.txSigLimit}`);
  }
  if (signers.length !== tx.signerInfos.length) {
    throw SdkErrors.Unauthorized(`wrong number of signers; expected ${signers.length}, got ${tx.signerInfos.length}`);
  }
  ctx.gas.consume(Number(params.txSizeCostPerByte) * tx.bytes.length, 'txSize');

  // fees: the node's minimum is a CheckTx policy, not consensus
  const gas = BigInt(tx.gasLimit);
  const checking = ctx.mode === 'check' || ctx.mode === 'recheck';
  if (checking) {
    const needed = opts.minGasPrices.filter((p) => p.atto > 0n).map((p) => ({ denom: p.denom, amount: requiredFee(p, gas) }));
    if (needed.length > 0 && !needed.some((r) => feeAmount(tx.fee, r.denom) >= r.amount)) {
      throw SdkErrors.InsufficientFee(`insufficient fees; got: ${coinsToString(tx.fee) || '0uviv'} required: ${coinsToString(needed)}`);
    }
  }
  const feePayer = signers[0]!;
  if (!deps.auth.getAccount(ctx.store, feePayer)) throw SdkErrors.UnknownAddress(`fee payer address: ${feePayer} does not exist`);
  // wallets simulate without a fee (cosmjs fee "auto"); charge for the fee transfer the real tx will make,
  // or the estimate falls short (simulation runs on a branch that is dropped)
  const standInDenom = opts.minGasPrices[0]?.denom ?? 'uviv';
  const fee: Coin[] =
    simulate && tx.fee.length === 0 && deps.bank.getBalance(ctx.store, feePayer, standInDenom) > 0n ? [{ denom: standInDenom, amount: 1n }] : tx.fee;
  if (fee.length > 0) {
    try {
      // CheckTx does not credit the collector (see BankKeeper.debitToModule); block execution does
      if (checking) deps.bank.debitToModule(ctx.store, ctx.events, feePayer, FEE_COLLECTOR, fee);
      else deps.bank.sendToModule(ctx.store, ctx.events, feePayer, FEE_COLLECTOR, fee);
    } catch (e) {
      if (SdkErrors.InsufficientFunds.is(e)) throw SdkErrors.InsufficientFunds(`${(e as Error).message}; insufficient funds to pay for fees`);
      throw e;
    }
  }
  ctx.events.emit('tx', [['fee', coinsToString(tx.fee)], ['fee_payer', feePayer]]);

  const priorityDenom = opts.minGasPrices[0]?.denom ?? 'uviv';
  // a simulated tx may carry gas limit 0 (no limit yet): it has no priority
  const priority = gas > 0n ? (feeAmount(tx.fee, priorityDenom) * PRIORITY_SCALE) / gas : 0n;

  for (let i = 0; i < signers.length; i++) {
    const signer = signers[i]!;
    const info = tx.signerInfos[i]!;
    const acc = deps.auth.getAccount(ctx.store, signer);
    if (!acc) throw SdkErrors.UnknownAddress(`account ${signer} does not exist; it must receive funds before it can sign`);

    // set the pubkey on first use; it must belong to the signer
    let pubKey: Any | undefined = acc.pubKey;
    // simulation may carry a stand-in key (wallets simulate before they know how they will sign): as in the
    // SDK, the key-to-address check applies only when the tx is real
    if (info.publicKey && info.publicKey.value.length > 0 && !simulate) {
      let addr: string;
      try {
        addr = addressOfSignerKey(info.publicKey);
      } catch (e) {
        throw SdkErrors.InvalidPubKey(`signer ${i}: ${(e as Error).message}`);
      }
      if (addr !== signer) throw SdkErrors.InvalidPubKey(`pubKey does not match signer address ${signer} with signer index: ${i}`);
      if (!pubKey) pubKey = info.publicKey;
    }
    // simulation sets the stand-in key too, so the account write it measures is as large as the real one
    if (!pubKey && simulate && info.publicKey && info.publicKey.value.length > 0) pubKey = info.publicKey;
    if (!pubKey && !simulate) throw SdkErrors.InvalidPubKey(`pubkey on account ${signer} is not set and the tx does not carry one`);

    const keyType = pubKey?.typeUrl ?? SECP256K1_PUBKEY_TYPE_URL;
    if (keyType === ED25519_PUBKEY_TYPE_URL) ctx.gas.consume(Number(params.sigVerifyCostEd25519), 'ante verify: ed25519');
    else if (keyType === SECP256K1_PUBKEY_TYPE_URL) ctx.gas.consume(Number(params.sigVerifyCostSecp256k1), 'ante verify: secp256k1');
    else throw SdkErrors.InvalidPubKey(`unrecognized public key type: ${keyType}`);

    if (info.sequence !== acc.sequence) {
      throw SdkErrors.WrongSequence(`account sequence mismatch, expected ${acc.sequence}, got ${info.sequence}`);
    }
    // a recheck (after a commit) already verified this signature when the tx first arrived
    if (!simulate && ctx.mode !== 'recheck') {
      if (info.mode !== SignMode.SIGN_MODE_DIRECT) {
        throw SdkErrors.NotSupported(`signer ${i}: sign mode ${info.mode} is not supported; use SIGN_MODE_DIRECT`);
      }
      const signBytes = directSignBytes(tx, ctx.block.chainId, acc.accountNumber);
      const sig = tx.signatures[i]!;
      const cache = opts.sigCache;
      const cacheKey = cache?.key(pubKey!.value, signBytes, sig);
      if (cacheKey === undefined || !cache!.hasKey(cacheKey)) {
        if (!verifyWithPubKeyAny(pubKey!, signBytes, sig)) {
          throw SdkErrors.Unauthorized(
            `signature verification failed; please verify account number (${acc.accountNumber}), sequence (${acc.sequence}) and chain-id (${ctx.block.chainId})`,
          );
        }
        if (cacheKey !== undefined) cache!.addKey(cacheKey);
      }
    }
    ctx.events.emit('tx', [['acc_seq', `${signer}/${acc.sequence}`]]);
    // signatures are unique per tx and never searched for: kept out of the index, which they would double
    const sig = tx.signatures[i]!;
    ctx.events.emit('tx', [['signature', Buffer.from(sig.buffer, sig.byteOffset, sig.byteLength).toString('base64')]], false);
    deps.auth.setAccount(ctx.store, { ...acc, pubKey, sequence: acc.sequence + 1n });
  }
  return { priority, feePayer };
}
