import { BaseAccount, ModuleAccount } from 'cosmjs-types/cosmos/auth/v1beta1/auth';
import { MsgMultiSend, MsgMultiSendResponse, MsgSend, MsgSendResponse } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { PubKey as Ed25519PubKey } from 'cosmjs-types/cosmos/crypto/ed25519/keys';
import { PubKey as Secp256k1PubKey } from 'cosmjs-types/cosmos/crypto/secp256k1/keys';
import { Tx } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { BaseVestingAccount, ContinuousVestingAccount, DelayedVestingAccount, PeriodicVestingAccount } from 'cosmjs-types/cosmos/vesting/v1beta1/vesting';
import {
  MsgClearAdmin,
  MsgExecuteContract,
  MsgInstantiateContract,
  MsgInstantiateContract2,
  MsgMigrateContract,
  MsgStoreCode,
  MsgUpdateAdmin,
} from 'cosmjs-types/cosmwasm/wasm/v1/tx';

/** A cosmjs-types message codec: what the gateway JSON needs of it. */
export interface ProtoCodec<T = any> {
  decode(bytes: Uint8Array): T;
  toJSON(message: T): unknown;
}

/** Any type URLs the gateway expands into JSON with "@type"; others are shown as {"@type", "value": base64}. */
const anyTypes = new Map<string, ProtoCodec>([
  ['/cosmos.auth.v1beta1.BaseAccount', BaseAccount],
  ['/cosmos.auth.v1beta1.ModuleAccount', ModuleAccount],
  ['/cosmos.vesting.v1beta1.BaseVestingAccount', BaseVestingAccount],
  ['/cosmos.vesting.v1beta1.ContinuousVestingAccount', ContinuousVestingAccount],
  ['/cosmos.vesting.v1beta1.DelayedVestingAccount', DelayedVestingAccount],
  ['/cosmos.vesting.v1beta1.PeriodicVestingAccount', PeriodicVestingAccount],
  ['/cosmos.crypto.secp256k1.PubKey', Secp256k1PubKey],
  ['/cosmos.crypto.ed25519.PubKey', Ed25519PubKey],
  ['/cosmos.bank.v1beta1.MsgSend', MsgSend],
  ['/cosmos.bank.v1beta1.MsgSendResponse', MsgSendResponse],
  ['/cosmos.bank.v1beta1.MsgMultiSend', MsgMultiSend],
  ['/cosmos.bank.v1beta1.MsgMultiSendResponse', MsgMultiSendResponse],
  ['/cosmos.tx.v1beta1.Tx', Tx],
  ['/cosmwasm.wasm.v1.MsgStoreCode', MsgStoreCode],
  ['/cosmwasm.wasm.v1.MsgInstantiateContract', MsgInstantiateContract],
  ['/cosmwasm.wasm.v1.MsgInstantiateContract2', MsgInstantiateContract2],
  ['/cosmwasm.wasm.v1.MsgExecuteContract', MsgExecuteContract],
  ['/cosmwasm.wasm.v1.MsgMigrateContract', MsgMigrateContract],
  ['/cosmwasm.wasm.v1.MsgUpdateAdmin', MsgUpdateAdmin],
  ['/cosmwasm.wasm.v1.MsgClearAdmin', MsgClearAdmin],
]);

/** Lets a module show its own Any types expanded in REST answers. */
export function registerAnyType(typeUrl: string, codec: ProtoCodec): void {
  anyTypes.set(typeUrl, codec);
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());

const MAX_DEPTH = 32;

/**
 * JSON as the Cosmos SDK gRPC gateway writes it: proto field names (snake_case), int64 as strings, bytes as
 * base64, enums by name, and every Any expanded to {"@type": url, ...fields}.
 */
export function gatewayJson<T>(codec: ProtoCodec<T>, message: T): any {
  return rewrite(codec.toJSON(message), 0);
}

function rewrite(v: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) return v;
  if (Array.isArray(v)) return v.map((x) => rewrite(x, depth + 1));
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  // Any.toJSON gives {typeUrl, value(base64)}
  if (keys.length === 2 && typeof o.typeUrl === 'string' && typeof o.value === 'string') return expandAny(o.typeUrl, o.value, depth);
  const out: Record<string, unknown> = {};
  for (const k of keys) out[snake(k)] = rewrite(o[k], depth + 1);
  return out;
}

function expandAny(typeUrl: string, valueB64: string, depth: number): unknown {
  const codec = anyTypes.get(typeUrl);
  if (codec) {
    try {
      const inner = rewrite(codec.toJSON(codec.decode(Buffer.from(valueB64, 'base64'))), depth + 1) as Record<string, unknown>;
      return { '@type': typeUrl, ...inner };
    } catch {
      // undecodable: fall through to the opaque form
    }
  }
  return { '@type': typeUrl, value: valueB64 };
}

/** An Any given as bytes of a known type, expanded. */
export function anyJson(typeUrl: string, value: Uint8Array): unknown {
  return expandAny(typeUrl, Buffer.from(value).toString('base64'), 0);
}
