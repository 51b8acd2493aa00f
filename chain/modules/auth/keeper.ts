import { BaseAccount, ModuleAccount, Params } from 'cosmjs-types/cosmos/auth/v1beta1/auth';
import { Any } from 'cosmjs-types/google/protobuf/any';
import { lastDecoded } from '../../codec/lastDecoded.js';
import { readerOver } from '../../codec/reader.js';
import { delimitedFieldLength, encodeProto, stringLength, varint64Length } from '../../codec/protoWriter.js';
import { sha256 } from '../../crypto/hash.js';
import { parseAddress, toBech32Address } from '../../crypto/addresses.js';
import { readU64be, u64be } from '../../store/buckets.js';
import type { KVReader, KVStore } from '../../store/kv.js';
import { SdkErrors } from '../../types/sdkErrors.js';
import { accountKey, NEXT_ACCOUNT_NUMBER_KEY, PARAMS_KEY } from './keys.js';
import { DEFAULT_AUTH_PARAMS, type AuthParams } from './params.js';

const decodeParams = lastDecoded((b) => Params.decode(b));

export const BASE_ACCOUNT_TYPE = '/cosmos.auth.v1beta1.BaseAccount';
export const MODULE_ACCOUNT_TYPE = '/cosmos.auth.v1beta1.ModuleAccount';

export interface Account {
  address: string;
  pubKey: Any | undefined;
  accountNumber: bigint;
  sequence: bigint;
  /** set for module accounts (fee collector …) */
  module?: { name: string; permissions: string[] };
}

/** A module account's address, as the Cosmos SDK derives it (authtypes.NewModuleAddress). */
export function moduleAddressBytes(name: string): Uint8Array {
  return sha256(new TextEncoder().encode(name)).subarray(0, 20);
}

const moduleAddresses = new Map<string, string>();

export function moduleAddress(name: string): string {
  let a = moduleAddresses.get(name);
  if (a === undefined) moduleAddresses.set(name, (a = toBech32Address(moduleAddressBytes(name))));
  return a;
}

export function encodeAccount(acc: Account): Uint8Array {
  if (!acc.module) return encodeBaseAccountAny(acc);
  const base = BaseAccount.fromPartial({
    address: acc.address,
    pubKey: acc.pubKey,
    accountNumber: acc.accountNumber,
    sequence: acc.sequence,
  });
  return Any.encode({ typeUrl: MODULE_ACCOUNT_TYPE, value: ModuleAccount.encode({ baseAccount: base, ...acc.module }).finish() }).finish();
}

/**
 * Any{BaseAccount} written directly, nested lengths computed first: every tx writes its signer's account (the
 * sequence), twice counting CheckTx. The same bytes as Any.encode(BaseAccount.encode(...)) (property-tested).
 */
function encodeBaseAccountAny(acc: Account): Uint8Array {
  const pk = acc.pubKey;
  const pkBody = pk ? (pk.typeUrl !== '' ? delimitedFieldLength(stringLength(pk.typeUrl)) : 0) + (pk.value.length !== 0 ? delimitedFieldLength(pk.value.length) : 0) : 0;
  const addressLength = stringLength(acc.address);
  const body =
    (addressLength !== 0 ? delimitedFieldLength(addressLength) : 0) +
    (pk ? delimitedFieldLength(pkBody) : 0) +
    (acc.accountNumber !== 0n ? 1 + varint64Length(acc.accountNumber) : 0) +
    (acc.sequence !== 0n ? 1 + varint64Length(acc.sequence) : 0);
  return encodeProto((w) => {
    w.tag(1, 2).string(BASE_ACCOUNT_TYPE);
    if (body !== 0) {
      w.tag(2, 2).varint(body);
      if (addressLength !== 0) w.tag(1, 2).string(acc.address);
      if (pk) {
        w.tag(2, 2).varint(pkBody);
        if (pk.typeUrl !== '') w.tag(1, 2).string(pk.typeUrl);
        if (pk.value.length !== 0) w.tag(2, 2).bytes(pk.value);
      }
      if (acc.accountNumber !== 0n) w.tag(3, 0).varint64(acc.accountNumber);
      if (acc.sequence !== 0n) w.tag(4, 0).varint64(acc.sequence);
    }
  });
}

/** Decodes a stored account (stored values are never mutated, so the decode views them rather than copying). */
export function decodeAccount(bytes: Uint8Array): Account {
  const any = Any.decode(readerOver(bytes));
  if (any.typeUrl === MODULE_ACCOUNT_TYPE) {
    const m = ModuleAccount.decode(readerOver(any.value));
    const b = m.baseAccount!;
    return { address: b.address, pubKey: b.pubKey, accountNumber: b.accountNumber, sequence: b.sequence, module: { name: m.name, permissions: m.permissions } };
  }
  const b = BaseAccount.decode(readerOver(any.value));
  return { address: b.address, pubKey: b.pubKey, accountNumber: b.accountNumber, sequence: b.sequence };
}

const decodeRecentAccount = lastDecoded(decodeAccount);

/** Parses a bech32 account address, turning any failure into sdk/7 with the value named. */
/** Recently parsed addresses: bech32 decoding is pure and the same accounts recur in every block. */
const parsedAddresses = new Map<string, Uint8Array>();
const PARSED_ADDRESS_CACHE = 50_000;

export function accAddress(address: string, field = 'address'): Uint8Array {
  const hit = parsedAddresses.get(address);
  if (hit) return hit;
  try {
    const bytes = parseAddress(address);
    if (parsedAddresses.size >= PARSED_ADDRESS_CACHE) parsedAddresses.delete(parsedAddresses.keys().next().value!);
    parsedAddresses.set(address, bytes);
    return bytes;
  } catch (e) {
    throw SdkErrors.InvalidAddress(`invalid ${field} ${JSON.stringify(address)}: ${(e as Error).message}`);
  }
}

/** The only code that touches auth's part of the state. */
export class AuthKeeper {
  /** addresses of module accounts: bank refuses sends to them */
  readonly moduleAccounts = new Map<string, string[]>();

  private readonly moduleAddressSet = new Set<string>();

  constructor(moduleAccounts: Record<string, string[]> = {}) {
    for (const [name, perms] of Object.entries(moduleAccounts)) {
      this.moduleAccounts.set(name, perms);
      this.moduleAddressSet.add(moduleAddress(name));
    }
  }

  isModuleAddress(address: string): boolean {
    return this.moduleAddressSet.has(address);
  }

  getAccountBytes(store: KVReader, addr: Uint8Array): Uint8Array | undefined {
    return store.get(accountKey(addr));
  }

  getAccount(store: KVReader, address: string): Account | undefined {
    const bytes = store.get(accountKey(accAddress(address)));
    // the ante reads the fee payer's account twice in a row (fee, then signature): decode those bytes once
    return bytes ? { ...decodeRecentAccount(bytes) } : undefined;
  }

  /** Whether the account exists (the same store read and gas as getAccount, without decoding it). */
  hasAccount(store: KVReader, address: string): boolean {
    return store.get(accountKey(accAddress(address))) !== undefined;
  }

  setAccount(store: KVStore, acc: Account): void {
    store.set(accountKey(accAddress(acc.address)), encodeAccount(acc));
  }

  /** Creates an account with the next account number (as the SDK does on first receipt of funds). */
  createAccount(store: KVStore, address: string, module?: Account['module']): Account {
    const acc: Account = { address, pubKey: undefined, accountNumber: this.nextAccountNumber(store), sequence: 0n, module };
    this.setAccount(store, acc);
    return acc;
  }

  /** getOrCreateModuleAccount for callers that only need the account to exist (no decode). */
  ensureModuleAccount(store: KVStore, name: string): void {
    const address = moduleAddress(name);
    if (!this.hasAccount(store, address)) this.createAccount(store, address, { name, permissions: this.moduleAccounts.get(name) ?? [] });
  }

  getOrCreateModuleAccount(store: KVStore, name: string): Account {
    const address = moduleAddress(name);
    return this.getAccount(store, address) ?? this.createAccount(store, address, { name, permissions: this.moduleAccounts.get(name) ?? [] });
  }

  private nextAccountNumber(store: KVStore): bigint {
    const cur = store.get(NEXT_ACCOUNT_NUMBER_KEY);
    const n = cur ? readU64be(cur) : 0n;
    store.set(NEXT_ACCOUNT_NUMBER_KEY, u64be(n + 1n));
    return n;
  }

  getParams(store: KVReader): AuthParams {
    const b = store.get(PARAMS_KEY);
    return b ? decodeParams(b) : DEFAULT_AUTH_PARAMS;
  }

  setParams(store: KVStore, p: AuthParams): void {
    store.set(PARAMS_KEY, Params.encode(p).finish());
  }
}
