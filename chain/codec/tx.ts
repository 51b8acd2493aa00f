import './protobufPool.js'; // before any encoding: see protobufPool.ts
import './protobufStrings.js'; // the reader's strings: see protobufStrings.ts
import { TxRaw, TxBody, AuthInfo, SignDoc } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { SignMode } from 'cosmjs-types/cosmos/tx/signing/v1beta1/signing';
import type { Any } from 'cosmjs-types/google/protobuf/any';
import { txHash } from '../crypto/hash.js';
import { readerOver } from './reader.js';
import { parseCoins, type Coin } from '../types/coins.js';
import { SdkErrors } from '../types/sdkErrors.js';

export interface SignerInfoView {
  publicKey: Any | undefined;
  sequence: bigint;
  mode: SignMode;
}

/** A TxRaw decoded and checked for shape; messages are still Anys (the msg router decodes them). */
export interface DecodedTx {
  bytes: Uint8Array;
  /** SHA-256 of the TxRaw bytes */
  hash: Uint8Array;
  bodyBytes: Uint8Array;
  authInfoBytes: Uint8Array;
  signatures: Uint8Array[];
  messages: Any[];
  memo: string;
  timeoutHeight: bigint;
  nonCriticalExtensionOptions: Any[];
  signerInfos: SignerInfoView[];
  fee: Coin[];
  gasLimit: number;
}

/** Extension options the chain understands when they are non-critical. */
export const KNOWN_NON_CRITICAL_OPTIONS = new Set(['/vivian.vector.v1.Embedding']);

export const MAX_SIGNATURES = 7;

function decodeOrFail<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw SdkErrors.TxDecode(`malformed ${what}: ${(e as Error).message}`);
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/**
 * Decodes Cosmos SDK TxRaw bytes. Refuses anything whose hash could be changed without changing what
 * was signed (the TxRaw must be canonically encoded), critical extension options, fee payers/granters, and
 * non-direct sign modes; every refusal is an sdk error naming the problem.
 */
/**
 * Decoded txs by the identity of their bytes: the in-process engine hands the same Uint8Array from the mempool
 * to prepare, process and finalize, so each tx is decoded once. Decoding is a pure function of the bytes and
 * the result is never mutated. Only strict (non-simulation) decodes are cached; failures are not.
 */
const decodedTxs = new WeakMap<Uint8Array, DecodedTx>();

export function decodeTx(bytes: Uint8Array, maxBytes = 1024 * 1024, opts: { simulate?: boolean } = {}): DecodedTx {
  const hit = decodedTxs.get(bytes);
  if (hit && bytes.length <= maxBytes) return hit;
  const tx = decodeTxUncached(bytes, maxBytes, opts);
  if (!opts.simulate) decodedTxs.set(bytes, tx);
  return tx;
}

function decodeTxUncached(bytes: Uint8Array, maxBytes: number, opts: { simulate?: boolean }): DecodedTx {
  if (bytes.length === 0) throw SdkErrors.TxDecode('empty tx');
  if (bytes.length > maxBytes) throw SdkErrors.TxTooLarge(`tx is ${bytes.length} bytes, the limit is ${maxBytes}`);
  const raw = canonicalTxRaw(bytes) ?? decodeTxRawSlowly(bytes);
  const body = decodeOrFail('TxBody', () => TxBody.decode(readerOver(raw.bodyBytes)));
  const authInfo = decodeOrFail('AuthInfo', () => AuthInfo.decode(readerOver(raw.authInfoBytes)));

  if (body.messages.length === 0) throw SdkErrors.InvalidRequest('tx has no messages');
  if (body.extensionOptions.length > 0) {
    throw SdkErrors.UnknownExtensionOptions(`critical extension option ${body.extensionOptions[0]!.typeUrl} is not supported`);
  }
  for (const opt of body.nonCriticalExtensionOptions) {
    if (!KNOWN_NON_CRITICAL_OPTIONS.has(opt.typeUrl)) {
      throw SdkErrors.UnknownExtensionOptions(`non-critical extension option ${opt.typeUrl} is not known`);
    }
  }
  const fee = authInfo.fee;
  if (!fee) throw SdkErrors.InsufficientFee('tx has no fee field');
  if (fee.payer !== '' || fee.granter !== '') throw SdkErrors.NotSupported('fee payer and fee granter are not supported');
  // wallets simulate with gas limit 0 (cosmjs, fee "auto"): simulation measures gas, it has no limit yet
  if (fee.gasLimit < 0n || (fee.gasLimit === 0n && !opts.simulate)) throw SdkErrors.InvalidGasLimit('gas limit must be positive');
  if (fee.gasLimit > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw SdkErrors.InvalidGasLimit(`gas limit ${fee.gasLimit} exceeds ${Number.MAX_SAFE_INTEGER}`);
  }
  const feeCoins = parseCoins(fee.amount, { allowEmpty: true });

  if (raw.signatures.length === 0) throw SdkErrors.NoSignatures('tx has no signatures');
  if (raw.signatures.length > MAX_SIGNATURES) {
    throw SdkErrors.TooManySignatures(`tx has ${raw.signatures.length} signatures, the limit is ${MAX_SIGNATURES}`);
  }
  if (authInfo.signerInfos.length !== raw.signatures.length) {
    throw SdkErrors.Unauthorized(
      `wrong number of signatures; expected ${authInfo.signerInfos.length}, got ${raw.signatures.length}`,
    );
  }
  const signerInfos = authInfo.signerInfos.map((si, i) => {
    const single = si.modeInfo?.single;
    if (!single) throw SdkErrors.NotSupported(`signer ${i}: only single-signer mode info is supported`);
    return { publicKey: si.publicKey, sequence: si.sequence, mode: single.mode };
  });

  return {
    bytes,
    hash: txHash(bytes),
    bodyBytes: raw.bodyBytes,
    authInfoBytes: raw.authInfoBytes,
    signatures: raw.signatures,
    messages: body.messages,
    memo: body.memo,
    timeoutHeight: body.timeoutHeight,
    nonCriticalExtensionOptions: body.nonCriticalExtensionOptions,
    signerInfos,
    fee: feeCoins,
    gasLimit: Number(fee.gasLimit),
  };
}

/** A minimal varint at `pos` (as encoders write them), or undefined: [value, next position]. */
function minimalVarint(b: Uint8Array, pos: number): [number, number] | undefined {
  let value = 0;
  for (let shift = 0, i = pos; i < b.length && shift < 35; shift += 7, i++) {
    const byte = b[i]!;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return byte === 0 && i > pos ? undefined : [value, i + 1];
  }
  return undefined;
}

/**
 * TxRaw fields as views of `bytes` when `bytes` is exactly the canonical encoding (what TxRaw.encode writes:
 * body and auth info each once and non-empty, in field order, then the signatures; minimal lengths; nothing
 * else), else undefined. The common case without decoding and re-encoding the whole tx.
 */
export function canonicalTxRaw(bytes: Uint8Array): { bodyBytes: Uint8Array; authInfoBytes: Uint8Array; signatures: Uint8Array[] } | undefined {
  let pos = 0;
  const field = (tag: number, allowEmpty: boolean): Uint8Array | undefined => {
    if (bytes[pos] !== tag) return undefined;
    const len = minimalVarint(bytes, pos + 1);
    if (!len || (len[0] === 0 && !allowEmpty) || len[1] + len[0] > bytes.length) return undefined;
    pos = len[1] + len[0];
    return bytes.subarray(len[1], pos);
  };
  const bodyBytes = field(0x0a, false);
  const authInfoBytes = field(0x12, false);
  if (!bodyBytes || !authInfoBytes) return undefined;
  const signatures: Uint8Array[] = [];
  while (pos < bytes.length) {
    const sig = field(0x1a, true);
    if (!sig) return undefined;
    signatures.push(sig);
  }
  return { bodyBytes, authInfoBytes, signatures };
}

/** Any other shape: decoded in full, and refused unless it re-encodes to the same bytes (naming why). */
function decodeTxRawSlowly(bytes: Uint8Array): TxRaw {
  const raw = decodeOrFail('TxRaw', () => TxRaw.decode(bytes));
  if (!equalBytes(TxRaw.encode(raw).finish(), bytes)) {
    throw SdkErrors.TxDecode('TxRaw is not canonically encoded (unknown fields, wrong field order or default values)');
  }
  return raw;
}

/** The SIGN_MODE_DIRECT bytes a signer signs. */
export function directSignBytes(tx: Pick<DecodedTx, 'bodyBytes' | 'authInfoBytes'>, chainId: string, accountNumber: bigint): Uint8Array {
  return SignDoc.encode({ bodyBytes: tx.bodyBytes, authInfoBytes: tx.authInfoBytes, chainId, accountNumber }).finish();
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex').toUpperCase();
}

export { SignMode };
