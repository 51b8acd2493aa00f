import { MsgMultiSend, MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import {
  MsgExecuteContract, MsgInstantiateContract, MsgInstantiateContract2, MsgMigrateContract,
} from 'cosmjs-types/cosmwasm/wasm/v1/tx';
import type { Any } from 'cosmjs-types/google/protobuf/any';
import type { DecodedTx } from '../../codec/tx.js';
import type { TxFeatures } from '../../vectorIndex/embedding.js';

/**
 * What the default embedding sees of a tx (consensus data, like the embedding itself):
 * - message type URLs, in message order;
 * - from each decoded message, walked with object keys in sorted order (depth <= MAX_DEPTH): every string
 *   that has the shape of a bech32 address with the chain's prefixes (lower-cased), and every coin
 *   `{denom, amount}` (amount when it is a decimal integer);
 * - the memo;
 * - the JSON `msg` of CosmWasm instantiate / execute / migrate messages (text that is not JSON counts as
 *   one string).
 * Messages are decoded by the table below, else by `decodeOther` (the msg router's decoder); a message
 * neither decodes contributes only its type URL.
 */
export const MAX_DEPTH = 8;

const ADDRESS_SHAPE = /^vivian(valoper|valcons)?1[02-9ac-hj-np-z]{38,90}$/;
const INTEGER = /^[0-9]{1,80}$/;
const utf8 = new TextDecoder();

type Decoder = (bytes: Uint8Array) => unknown;

/** Messages whose JSON body is a contract message: decoded here so the features never depend on module wiring. */
const CONTRACT_MSG_TYPES: Record<string, Decoder> = {
  '/cosmwasm.wasm.v1.MsgExecuteContract': (b) => MsgExecuteContract.decode(b),
  '/cosmwasm.wasm.v1.MsgInstantiateContract': (b) => MsgInstantiateContract.decode(b),
  '/cosmwasm.wasm.v1.MsgInstantiateContract2': (b) => MsgInstantiateContract2.decode(b),
  '/cosmwasm.wasm.v1.MsgMigrateContract': (b) => MsgMigrateContract.decode(b),
};

const KNOWN_TYPES: Record<string, Decoder> = {
  '/cosmos.bank.v1beta1.MsgSend': (b) => MsgSend.decode(b),
  '/cosmos.bank.v1beta1.MsgMultiSend': (b) => MsgMultiSend.decode(b),
  ...CONTRACT_MSG_TYPES,
};

/** The features of a decoded tx. */
export function txFeatures(tx: Pick<DecodedTx, 'messages' | 'memo'>, decodeOther?: (msg: Any) => unknown): TxFeatures {
  const f: TxFeatures = { msgTypes: [], addresses: [], denoms: [], amounts: [], memo: tx.memo, contractMsgs: [] };
  for (const m of tx.messages) {
    f.msgTypes.push(m.typeUrl);
    const decoded = decodeMessage(m, decodeOther);
    if (decoded === undefined) continue;
    if (m.typeUrl in CONTRACT_MSG_TYPES) {
      const { msg, ...rest } = decoded as { msg: Uint8Array };
      f.contractMsgs.push(contractJson(msg));
      walk(rest, 0, f);
    } else {
      walk(decoded, 0, f);
    }
  }
  return f;
}

function decodeMessage(m: Any, decodeOther?: (msg: Any) => unknown): unknown {
  const known = Object.hasOwn(KNOWN_TYPES, m.typeUrl) ? KNOWN_TYPES[m.typeUrl] : undefined;
  try {
    return known ? known(m.value) : decodeOther?.(m);
  } catch {
    return undefined; // an undecodable message fails the tx elsewhere; here it adds nothing
  }
}

function contractJson(msg: Uint8Array): unknown {
  const text = utf8.decode(msg);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function walk(value: unknown, depth: number, f: TxFeatures): void {
  if (depth > MAX_DEPTH) return;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (ADDRESS_SHAPE.test(lower) && (value === lower || value === value.toUpperCase())) f.addresses.push(lower);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) walk(v, depth + 1, f);
    return;
  }
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
  const obj = value as Record<string, unknown>;
  if (typeof obj.denom === 'string' && (typeof obj.amount === 'string' || typeof obj.amount === 'bigint')) {
    f.denoms.push(obj.denom);
    const amount = typeof obj.amount === 'bigint' ? obj.amount : INTEGER.test(obj.amount) ? BigInt(obj.amount) : undefined;
    if (amount !== undefined) f.amounts.push(amount);
    return;
  }
  for (const key of Object.keys(obj).sort(compareCodeUnits)) walk(obj[key], depth + 1, f);
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
