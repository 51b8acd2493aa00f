import { gunzipSync } from 'node:zlib';
import { AbsoluteTxPosition, CodeInfo, ContractCodeHistoryEntry, ContractCodeHistoryOperationType, ContractInfo } from 'cosmjs-types/cosmwasm/wasm/v1/types';
import { AccessType } from 'cosmjs-types/cosmwasm/wasm/v1/types';
import { Metadata } from 'cosmjs-types/cosmos/bank/v1beta1/bank';
import {
  LruCache,
  Order,
  OutOfGasError,
  VECTOR_CAPABILITY,
  VmError,
  WasmVm,
  type Env,
  type Host,
  type QueryAnswer,
  type Response as VmResponse,
  type StorageIterator,
  type SubMsg,
} from '../../../vm/index.js';
import type { BlockInfo, ExecMode } from '../../app/context.js';
import { EventManager } from '../../app/events.js';
import type { MsgRouter, QueryRouter } from '../../app/router.js';
import { ACCOUNT_PREFIX, parseAddress, toBech32Address } from '../../crypto/addresses.js';
import { readU64be, u64be } from '../../store/buckets.js';
import { BranchStore } from '../../store/branch.js';
import { GasMeter } from '../../store/gas.js';
import { concatBytes, PrefixStore, prefixEnd, type KVReader, type KVStore } from '../../store/kv.js';
import { parseCoins, type Coin } from '../../types/coins.js';
import { VivianError } from '../../types/errors.js';
import { SdkErrors } from '../../types/sdkErrors.js';
import type { AuthKeeper } from '../auth/keeper.js';
import type { BankKeeper } from '../bank/keeper.js';
import { METADATA_PREFIX } from '../bank/keys.js';
import { paginate } from '../../app/pagination.js';
import { ContractVectorCollections } from '../vector/contractCollections.js';
import { classicContractAddress, predictableContractAddress } from './address.js';
import { WasmErrors } from './errors.js';
import {
  codeBytesKey,
  codeInfoKey,
  contractInfoKey,
  contractsByCodeKey,
  contractStorePrefix,
  contractVectorsPrefix,
  historyPrefix,
  sequenceKey,
} from './keys.js';
import { distributionQuery, refuseStakingMsg, stakingQuery } from './staking.js';
import { protoJson, runAcceptedQuery, runSdkMsg, UnsupportedQueryPath } from './stargate.js';

const te = new TextEncoder();
const td = new TextDecoder();

/** wasmd's gas figures (x/wasm/types/gas_register.go), in SDK gas. */
export const WASM_GAS = {
  /** VM gas per SDK gas */
  multiplier: 140_000n,
  /** loading an instance, per contract call */
  instanceCost: 60_000,
  /** per byte of (uncompressed) code at upload */
  compileCostPerByte: 3,
  /** per attribute/event byte beyond the free tier */
  eventAttributeDataCost: 1,
  eventAttributeDataFreeTier: 100,
  customEventCost: 20,
} as const;

/** The capabilities the chain offers contracts (`requires_<capability>` exports). */
export const WASM_CAPABILITIES: readonly string[] = ['iterator', 'staking', 'stargate', 'cosmwasm_1_1', 'cosmwasm_1_2', 'cosmwasm_1_3', 'cosmwasm_1_4', 'cosmwasm_2_0', 'cosmwasm_2_1', 'cosmwasm_2_2', VECTOR_CAPABILITY];

export interface WasmConfig {
  /** largest upload before decompression (wasmd MaxWasmSize: 800 KiB) */
  maxWasmSize: number;
  /** largest code after gunzip (the VM's own code limit) */
  maxCodeSize: number;
  /** nesting of contract-to-contract queries (wasmd: 10) */
  maxQueryDepth: number;
  /** nesting of submessages dispatching further messages */
  maxCallDepth: number;
  /** gas for smart queries served outside txs, in SDK gas (wasmd: 3,000,000) */
  smartQueryGasLimit: number;
  /** compiled modules kept */
  cacheSize: number;
}

export const DEFAULT_WASM_CONFIG: WasmConfig = {
  maxWasmSize: 800 * 1024,
  maxCodeSize: 3 * 1024 * 1024,
  maxQueryDepth: 10,
  maxCallDepth: 64,
  smartQueryGasLimit: 3_000_000,
  cacheSize: 100,
};

/** Where contract code runs: a store (a branch of the tx), the gas meter, the events, the block. */
export interface WasmExec {
  store: KVStore;
  gas: GasMeter;
  events: EventManager;
  block: BlockInfo;
  /** message nesting depth (0 = the tx's own message) */
  depth: number;
  /** how the tx runs (default deliver); passed to SDK messages a contract sends */
  mode?: ExecMode;
}

export interface CallOutcome {
  /** the response data after replies (raw bytes) */
  data: Uint8Array;
}

const GZIP_MAGIC = [0x1f, 0x8b];

function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === GZIP_MAGIC[0] && b[1] === GZIP_MAGIC[1];
}

function hexOf(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function b64(b: Uint8Array): string {
  return Buffer.from(b).toString('base64');
}

function fromB64(s: unknown, what: string): Uint8Array {
  if (typeof s !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw WasmErrors.InvalidMsg(`${what} is not base64`);
  return new Uint8Array(Buffer.from(s, 'base64'));
}

/** JSON object check as wasmd's RawContractMessage.ValidateBasic. */
export function checkJsonMsg(msg: Uint8Array, what = 'msg'): void {
  if (msg.length === 0) throw WasmErrors.Empty(`${what} is empty`);
  try {
    JSON.parse(td.decode(msg));
  } catch (e) {
    throw WasmErrors.Invalid(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}

/** The contract's prefixed key space as the VM's Storage. */
function contractStorage(store: KVStore, addr: Uint8Array): Host['storage'] {
  const s = new PrefixStore(store, contractStorePrefix(addr));
  return {
    get: (k) => s.get(k),
    set: (k, v) => s.set(k, v),
    remove: (k) => s.delete(k),
    scan(start, end, order): StorageIterator {
      const it = s.iterate(start ?? new Uint8Array(), end, order === Order.Descending)[Symbol.iterator]();
      return {
        next() {
          const r = it.next();
          return r.done ? undefined : [Uint8Array.from(r.value[0]), r.value[1]];
        },
      };
    },
  };
}

/** A read-only view: the VM refuses writes in queries; this makes it certain. */
function readOnly(store: KVReader): KVStore {
  const refuse = (): never => {
    throw WasmErrors.Invalid('state is read-only in a query');
  };
  return { get: (k) => store.get(k), iterate: (s, e, r) => store.iterate(s, e, r), set: refuse, delete: refuse };
}

/**
 * Parsed account addresses. Decoding bech32 is a pure function, and contract calls parse the same few addresses
 * (the contract's, its callers', its users') over and over: each is decoded (and its normalisation checked) once.
 * Callers only read the bytes. Invalid addresses are not kept (they throw each time).
 */
const parsedAddresses = new LruCache<string, { bytes: Uint8Array; normalized: boolean }>(4096);

function parsedAddress(human: string): { bytes: Uint8Array; normalized: boolean } {
  let entry = parsedAddresses.get(human);
  if (!entry) {
    const bytes = parseAddress(human, ACCOUNT_PREFIX);
    entry = { bytes, normalized: toBech32Address(bytes) === human };
    parsedAddresses.set(human, entry);
  }
  return entry;
}

/** The address bytes of a bech32 account or contract address (throws on an invalid one, as parseAddress). */
function addressBytes(address: string): Uint8Array {
  return parsedAddress(address).bytes;
}

/** The bech32 address API contracts see (addr_validate, addr_canonicalize, addr_humanize). */
export const addressApi: Host['api'] = {
  addrValidate(human) {
    try {
      if (!parsedAddress(human).normalized) return { error: `address ${human} is not normalized (use lower case)` };
      return { ok: true };
    } catch (e) {
      return { error: (e as Error).message };
    }
  },
  addrCanonicalize(human) {
    try {
      return { ok: addressBytes(human) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  },
  addrHumanize(canonical) {
    try {
      return { ok: toBech32Address(canonical) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  },
};

/**
 * The wasm module's keeper: code and contract records, contract storage, and running contracts through the VM
 * with wasmd's semantics (funds, returned messages and submessages depth-first in state branches, replies,
 * events, gas).
 */
export class WasmKeeper {
  readonly vm: WasmVm;
  readonly config: WasmConfig;

  constructor(
    private readonly auth: AuthKeeper,
    private readonly bank: BankKeeper,
    config: Partial<WasmConfig> = {},
    vm?: WasmVm,
  ) {
    this.config = { ...DEFAULT_WASM_CONFIG, ...config };
    this.vm = vm ?? new WasmVm({ capabilities: WASM_CAPABILITIES, cacheSize: this.config.cacheSize });
  }

  /** The app's message and query routers, for the `stargate` capability (set when the module registers). */
  private routers: { msgs: MsgRouter; queries: QueryRouter } | undefined;

  attachRouters(msgs: MsgRouter, queries: QueryRouter): void {
    this.routers = { msgs, queries };
  }

  // ---------------------------------------------------------------- records

  private nextSequence(store: KVStore, name: string): bigint {
    const key = sequenceKey(name);
    const cur = store.get(key);
    const next = (cur ? readU64be(cur) : 0n) + 1n;
    store.set(key, u64be(next));
    return next;
  }

  lastCodeId(store: KVReader): bigint {
    const cur = store.get(sequenceKey('lastCodeId'));
    return cur ? readU64be(cur) : 0n;
  }

  getCodeInfo(store: KVReader, codeId: bigint): CodeInfo | undefined {
    const b = store.get(codeInfoKey(codeId));
    return b ? CodeInfo.decode(b) : undefined;
  }

  mustCodeInfo(store: KVReader, codeId: bigint): CodeInfo {
    const info = this.getCodeInfo(store, codeId);
    if (!info) throw WasmErrors.NoSuchCode(`no code with id ${codeId}`);
    return info;
  }

  getCode(store: KVReader, checksum: Uint8Array): Uint8Array | undefined {
    return store.get(codeBytesKey(checksum));
  }

  getContractInfo(store: KVReader, address: string): ContractInfo | undefined {
    let addr: Uint8Array;
    try {
      addr = addressBytes(address);
    } catch {
      return undefined;
    }
    const b = store.get(contractInfoKey(addr));
    return b ? ContractInfo.decode(b) : undefined;
  }

  mustContractInfo(store: KVReader, address: string): ContractInfo {
    let addr: Uint8Array;
    try {
      addr = addressBytes(address);
    } catch (e) {
      throw SdkErrors.InvalidAddress(`invalid contract address: ${(e as Error).message}`);
    }
    const b = store.get(contractInfoKey(addr));
    if (!b) throw WasmErrors.NoSuchContract(`no contract at ${address}`);
    return ContractInfo.decode(b);
  }

  private setContractInfo(store: KVStore, address: string, info: ContractInfo): void {
    store.set(contractInfoKey(addressBytes(address)), ContractInfo.encode(info).finish());
  }

  /** The newest history entry of a contract and its sequence number. */
  private lastHistory(store: KVReader, address: string): { n: bigint; entry: ContractCodeHistoryEntry } | undefined {
    const prefix = historyPrefix(addressBytes(address));
    for (const [k, v] of store.iterate(prefix, prefixEnd(prefix), true)) return { n: readU64be(k, prefix.length), entry: ContractCodeHistoryEntry.decode(v) };
    return undefined;
  }

  private appendHistory(store: KVStore, address: string, entry: ContractCodeHistoryEntry): void {
    const last = this.lastHistory(store, address);
    store.set(concatBytes(historyPrefix(addressBytes(address)), u64be(last ? last.n + 1n : 0n)), ContractCodeHistoryEntry.encode(entry).finish());
  }

  /** The raw value of `key` in a contract's storage. */
  queryRaw(store: KVReader, address: string, key: Uint8Array): Uint8Array | undefined {
    this.mustContractInfo(store, address);
    return store.get(concatBytes(contractStorePrefix(addressBytes(address)), key));
  }

  // ---------------------------------------------------------------- code

  /** Decompresses (bounded) and validates an upload; the VmError reason names what is wrong. */
  uncompress(wasm: Uint8Array): Uint8Array {
    if (wasm.length === 0) throw WasmErrors.Empty('wasm code is empty');
    if (wasm.length > this.config.maxWasmSize) {
      throw WasmErrors.Limit(`wasm code is ${wasm.length} bytes, more than the ${this.config.maxWasmSize} allowed`);
    }
    if (!isGzip(wasm)) return wasm;
    try {
      return new Uint8Array(gunzipSync(wasm, { maxOutputLength: this.config.maxCodeSize }));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
        throw WasmErrors.Limit(`gzip-compressed code expands beyond ${this.config.maxCodeSize} bytes`);
      }
      throw WasmErrors.CreateFailed(`cannot gunzip the code: ${(e as Error).message}`);
    }
  }

  storeCode(exec: WasmExec, creator: string, wasm: Uint8Array): { codeId: bigint; checksum: Uint8Array } {
    const code = this.uncompress(wasm);
    exec.gas.consume(WASM_GAS.compileCostPerByte * code.length, 'Compiling wasm bytecode');
    let checksum: Uint8Array;
    try {
      checksum = this.vm.storeCode(code).checksum;
    } catch (e) {
      if (e instanceof VmError) throw WasmErrors.CreateFailed(e.message);
      throw e;
    }
    if (!exec.store.get(codeBytesKey(checksum))) exec.store.set(codeBytesKey(checksum), code);
    const codeId = this.nextSequence(exec.store, 'lastCodeId');
    const info: CodeInfo = {
      codeHash: checksum,
      creator,
      instantiateConfig: { permission: AccessType.ACCESS_TYPE_EVERYBODY, addresses: [] },
    };
    exec.store.set(codeInfoKey(codeId), CodeInfo.encode(info).finish());
    exec.events.emit('store_code', [['code_checksum', hexOf(checksum)], ['code_id', codeId.toString()]]);
    return { codeId, checksum };
  }

  /** Makes sure the VM has the module compiled (after a restart or cache eviction it is rebuilt from state). */
  private ensureCompiled(store: KVReader, checksum: Uint8Array): void {
    if (this.vm.isCached(checksum)) return;
    const code = this.getCode(store, checksum);
    if (!code) throw WasmErrors.NoSuchCode(`no code with checksum ${hexOf(checksum)}`);
    this.vm.storeCode(code);
  }

  // ---------------------------------------------------------------- contracts

  instantiate(
    exec: WasmExec,
    p: { creator: string; admin: string; codeId: bigint; label: string; msg: Uint8Array; funds: Coin[]; salt?: Uint8Array; fixMsg?: boolean },
  ): { address: string; data: Uint8Array } {
    const code = this.mustCodeInfo(exec.store, p.codeId);
    let addrBytes: Uint8Array;
    if (p.salt) {
      addrBytes = predictableContractAddress(code.codeHash, parseAddress(p.creator), p.salt, p.fixMsg ? p.msg : new Uint8Array());
    } else {
      addrBytes = classicContractAddress(p.codeId, this.nextSequence(exec.store, 'lastContractId'));
    }
    const address = toBech32Address(addrBytes);
    if (exec.store.get(contractInfoKey(addrBytes))) throw WasmErrors.Duplicate(`a contract already exists at ${address}`);
    const existing = this.auth.getAccount(exec.store, address);
    if (existing && (existing.pubKey !== undefined || existing.sequence !== 0n)) {
      throw WasmErrors.AccountExists(`an account with a public key or sequence exists at ${address}`);
    }
    if (!existing) this.auth.createAccount(exec.store, address);
    if (p.funds.length) this.bank.send(exec.store, exec.events, p.creator, address, p.funds);

    const created: AbsoluteTxPosition = { blockHeight: exec.block.height, txIndex: 0n };
    const info: ContractInfo = { codeId: p.codeId, creator: p.creator, admin: p.admin, label: p.label, created, ibcPortId: '', ibc2PortId: '' };
    this.setContractInfo(exec.store, address, info);
    exec.store.set(contractsByCodeKey(p.codeId, created.blockHeight, created.txIndex, addrBytes), new Uint8Array());
    this.appendHistory(exec.store, address, {
      operation: ContractCodeHistoryOperationType.CONTRACT_CODE_HISTORY_OPERATION_TYPE_INIT,
      codeId: p.codeId,
      updated: created,
      msg: p.msg,
    });

    const response = this.runVm(exec, 'instantiate', code.codeHash, address, (env, host, limit) =>
      this.vm.instantiate(code.codeHash, env, { sender: p.creator, funds: wireCoins(p.funds) }, p.msg, host, limit),
    );
    exec.events.emit('instantiate', [['_contract_address', address], ['code_id', p.codeId.toString()]]);
    const data = this.handleResponse(exec, address, response);
    return { address, data };
  }

  execute(exec: WasmExec, p: { sender: string; contract: string; msg: Uint8Array; funds: Coin[] }): Uint8Array {
    const info = this.mustContractInfo(exec.store, p.contract);
    const code = this.mustCodeInfo(exec.store, info.codeId);
    if (p.funds.length) this.bank.send(exec.store, exec.events, p.sender, p.contract, p.funds);
    const response = this.runVm(exec, 'execute', code.codeHash, p.contract, (env, host, limit) =>
      this.vm.execute(code.codeHash, env, { sender: p.sender, funds: wireCoins(p.funds) }, p.msg, host, limit),
    );
    exec.events.emit('execute', [['_contract_address', p.contract]]);
    return this.handleResponse(exec, p.contract, response);
  }

  migrate(exec: WasmExec, p: { sender: string; contract: string; codeId: bigint; msg: Uint8Array }): Uint8Array {
    const info = this.mustContractInfo(exec.store, p.contract);
    if (info.admin === '' || info.admin !== p.sender) {
      throw WasmErrors.Unauthorized(`${p.sender} cannot migrate ${p.contract}: ${info.admin ? `only its admin ${info.admin} can` : 'it has no admin'}`);
    }
    const code = this.mustCodeInfo(exec.store, p.codeId);
    this.ensureCompiled(exec.store, code.codeHash);
    if (!this.vm.report(code.codeHash).entryPoints.includes('migrate')) {
      throw WasmErrors.MigrationFailed(`code ${p.codeId} has no migrate entry point`);
    }
    this.setContractInfo(exec.store, p.contract, { ...info, codeId: p.codeId });
    // the by-code listing moves with the contract, keyed by the position of its latest code change (as wasmd)
    const addrBytes = addressBytes(p.contract);
    const previous = this.lastHistory(exec.store, p.contract)?.entry.updated ?? info.created!;
    exec.store.delete(contractsByCodeKey(info.codeId, previous.blockHeight, previous.txIndex, addrBytes));
    const updated = { blockHeight: exec.block.height, txIndex: 0n };
    exec.store.set(contractsByCodeKey(p.codeId, updated.blockHeight, updated.txIndex, addrBytes), new Uint8Array());
    this.appendHistory(exec.store, p.contract, {
      operation: ContractCodeHistoryOperationType.CONTRACT_CODE_HISTORY_OPERATION_TYPE_MIGRATE,
      codeId: p.codeId,
      updated,
      msg: p.msg,
    });
    const response = this.runVm(exec, 'migrate', code.codeHash, p.contract, (env, host, limit) =>
      this.vm.migrate(code.codeHash, env, p.msg, host, limit),
    );
    exec.events.emit('migrate', [['_contract_address', p.contract], ['code_id', p.codeId.toString()]]);
    return this.handleResponse(exec, p.contract, response);
  }

  /** `newAdmin` '' clears the admin. */
  setAdmin(exec: WasmExec, sender: string, contract: string, newAdmin: string): void {
    const info = this.mustContractInfo(exec.store, contract);
    if (info.admin === '' || info.admin !== sender) {
      throw WasmErrors.Unauthorized(`${sender} cannot change the admin of ${contract}: ${info.admin ? `only ${info.admin} can` : 'it has no admin'}`);
    }
    this.setContractInfo(exec.store, contract, { ...info, admin: newAdmin });
    if (newAdmin) exec.events.emit('update_contract_admin', [['_contract_address', contract], ['new_admin_address', newAdmin]]);
    else exec.events.emit('clear_contract_admin', [['_contract_address', contract]]);
  }

  /** A smart query outside a tx (gRPC/REST): read-only, with the configured gas limit. */
  querySmart(store: KVReader, block: BlockInfo, address: string, msg: Uint8Array): Uint8Array {
    const meter = new GasMeter(this.config.smartQueryGasLimit);
    return this.smartQuery(readOnly(store), meter, block, address, msg, 0, 0);
  }

  private smartQuery(store: KVStore, gas: GasMeter, block: BlockInfo, address: string, msg: Uint8Array, depth: number, stackUsed: number): Uint8Array {
    const info = this.mustContractInfo(store, address);
    const code = this.mustCodeInfo(store, info.codeId);
    checkJsonMsg(msg, 'query msg');
    this.ensureCompiled(store, code.codeHash);
    gas.consume(WASM_GAS.instanceCost, 'Loading CosmWasm module: query');
    const host = this.host(store, block, address, depth);
    const limit = this.vmGasLimit(gas);
    let result;
    try {
      result = this.vm.query(code.codeHash, this.env(block, address), msg, host, limit, { stackUsed });
    } catch (e) {
      this.chargeFailed(gas, e);
      throw this.vmFailure(e, 'query', WasmErrors.QueryFailed);
    }
    this.chargeVm(gas, result.gasUsed, result.externalGasUsed);
    if ('error' in result.result) throw WasmErrors.QueryFailed(result.result.error);
    return fromB64(result.result.ok, 'query result');
  }

  // ---------------------------------------------------------------- running the VM

  private env(block: BlockInfo, address: string): Env {
    return {
      block: { height: Number(block.height), time: block.timeNs.toString(), chain_id: block.chainId },
      transaction: null,
      contract: { address },
    };
  }

  private vmGasLimit(gas: GasMeter): bigint {
    const left = BigInt(Math.max(0, gas.limit - gas.consumed));
    const limit = left * WASM_GAS.multiplier;
    const max = 2n ** 63n - 1n;
    return limit > max ? max : limit;
  }

  /** Internal VM gas goes to the SDK meter; storage and nested-query gas were charged there already. */
  private chargeVm(gas: GasMeter, used: bigint, external: bigint): void {
    const internal = used - external;
    gas.consume(Number(internal / WASM_GAS.multiplier), 'wasm contract');
  }

  private chargeFailed(gas: GasMeter, e: unknown): void {
    if (e instanceof VmError) {
      const used = (e as VmError & { gasUsed?: bigint }).gasUsed ?? 0n;
      if (e instanceof OutOfGasError) gas.consume(Number(used / WASM_GAS.multiplier) + 1, 'wasm contract: out of gas');
      else gas.consume(Number(used / WASM_GAS.multiplier), 'wasm contract');
    }
  }

  private vmFailure(e: unknown, what: string, kind: (m: string) => VivianError): unknown {
    if (e instanceof VmError) return kind(`${what}: ${e.message}`);
    return e;
  }

  private host(store: KVStore, block: BlockInfo, address: string, queryDepth: number): Host {
    return {
      storage: contractStorage(store, addressBytes(address)),
      api: addressApi,
      querier: { queryChain: (req, gasLimit, stackUsed) => this.queryChain(store, block, req, gasLimit, stackUsed, queryDepth) },
      storageGas: () => 0,
      vectors: new ContractVectorCollections(new PrefixStore(store, contractVectorsPrefix(addressBytes(address)))),
    };
  }

  private runVm(
    exec: WasmExec,
    entry: 'instantiate' | 'execute' | 'migrate' | 'reply',
    checksum: Uint8Array,
    address: string,
    call: (env: Env, host: Host, gasLimit: bigint) => { result: { ok: VmResponse } | { error: string }; gasUsed: bigint; externalGasUsed: bigint },
  ): VmResponse {
    this.ensureCompiled(exec.store, checksum);
    exec.gas.consume(WASM_GAS.instanceCost, `Loading CosmWasm module: ${entry}`);
    const failKind = entry === 'instantiate' ? WasmErrors.InstantiateFailed : entry === 'migrate' ? WasmErrors.MigrationFailed : WasmErrors.ExecuteFailed;
    let out;
    try {
      out = call(this.env(exec.block, address), this.host(exec.store, exec.block, address, 0), this.vmGasLimit(exec.gas));
    } catch (e) {
      this.chargeFailed(exec.gas, e);
      throw this.vmFailure(e, `${entry} ${address}`, failKind);
    }
    this.chargeVm(exec.gas, out.gasUsed, out.externalGasUsed);
    if ('error' in out.result) throw failKind(`${entry} ${address}: ${out.result.error}`);
    return out.result.ok;
  }

  // ---------------------------------------------------------------- queries from contracts

  private queryChain(store: KVStore, block: BlockInfo, request: Uint8Array, gasLimit: bigint, stackUsed: number, depth: number): QueryAnswer {
    const answer = (result: unknown, gasUsed = 0n): QueryAnswer => ({ result: te.encode(JSON.stringify(result)), gasUsed });
    let req: Record<string, Record<string, Record<string, unknown>>>;
    try {
      req = JSON.parse(td.decode(request));
    } catch (e) {
      return answer({ error: { invalid_request: { error: `request is not JSON: ${(e as Error).message}`, request: b64(request) } } });
    }
    const kind = Object.keys(req ?? {})[0] ?? '';
    const sub = req?.[kind] ?? {};
    const variant = Object.keys(sub)[0] ?? '';
    const args = (sub as Record<string, Record<string, unknown>>)[variant] ?? {};
    const ok = (value: unknown, gasUsed = 0n): QueryAnswer => answer({ ok: { ok: b64(te.encode(JSON.stringify(value))) } }, gasUsed);
    const contractErr = (message: string): QueryAnswer => answer({ ok: { error: message } });
    if ((kind === 'stargate' || kind === 'grpc') && this.routers) {
      // {"stargate": {"path", "data"}}: reads go through the caller's (metered) store; gas is charged there
      const { path, data } = sub as { path?: unknown; data?: unknown };
      try {
        const response = runAcceptedQuery(this.routers.queries, store, block, String(path), fromB64(data ?? '', `${kind} query data`), kind === 'stargate' ? 'json' : 'proto');
        return answer({ ok: { ok: b64(response) } });
      } catch (e) {
        if (e instanceof UnsupportedQueryPath) return answer({ error: { unsupported_request: { kind: e.message } } });
        if (SdkErrors.OutOfGas.is(e)) throw e;
        // a bad request (protobuf that does not decode, an invalid address) is the contract's error to handle
        if (e instanceof Error) return contractErr(e.message);
        throw e;
      }
    }
    try {
      if (kind === 'staking' || kind === 'distribution') {
        const value = kind === 'staking' ? stakingQuery(variant, args) : distributionQuery(variant, args);
        if (value !== undefined) return ok(value);
      }
      if (kind === 'bank' && variant === 'supply') {
        const denom = String(args.denom);
        return ok({ amount: { denom, amount: this.bank.getSupply(store, denom).toString() } });
      }
      if (kind === 'bank' && variant === 'denom_metadata') {
        const metadata = this.bank.getMetadata(store, String(args.denom));
        if (!metadata) return contractErr(`no metadata for denom ${String(args.denom)}`);
        return ok({ metadata: protoJson(Metadata, metadata) });
      }
      if (kind === 'bank' && variant === 'all_denom_metadata') {
        // cosmwasm-std PageRequest {key: Binary | null, limit: u32, reverse: bool}, paged as the SDK pages
        const p = (args.pagination ?? {}) as { key?: unknown; limit?: unknown; reverse?: unknown };
        const limit = p.limit ?? 0;
        if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0 || limit > 0xffff_ffff) {
          throw WasmErrors.Invalid(`pagination limit ${JSON.stringify(limit)} is not a u32`);
        }
        const key = p.key === undefined || p.key === null ? new Uint8Array() : fromB64(p.key, 'pagination key');
        const page = { key, offset: 0n, limit: BigInt(limit), countTotal: false, reverse: p.reverse === true };
        const { items, pagination } = paginate(store, METADATA_PREFIX, page, (_k, v) => protoJson(Metadata, Metadata.decode(v)));
        return ok({ metadata: items, next_key: pagination.nextKey.length ? b64(pagination.nextKey) : null });
      }
      if (kind === 'bank' && variant === 'balance') {
        const amount = this.bank.getBalance(store, String(args.address), String(args.denom));
        return ok({ amount: { denom: String(args.denom), amount: amount.toString() } });
      }
      if (kind === 'bank' && variant === 'all_balances') {
        return ok({ amount: wireCoins(this.bank.getAllBalances(store, String(args.address))) });
      }
      if (kind === 'wasm' && variant === 'smart') {
        if (depth + 1 > this.config.maxQueryDepth) return contractErr(`query depth exceeds ${this.config.maxQueryDepth}`);
        const addr = String(args.contract_addr);
        if (!this.getContractInfo(store, addr)) return answer({ error: { no_such_contract: { addr } } });
        // nested queries run on their own meter bounded by what the caller has left; their gas is reported back
        const sdkLimit = Number(gasLimit / WASM_GAS.multiplier);
        const meter = new GasMeter(Math.max(0, sdkLimit));
        try {
          const data = this.smartQuery(readOnly(store), meter, block, addr, fromB64(args.msg, 'smart query msg'), depth + 1, stackUsed);
          return answer({ ok: { ok: b64(data) } }, BigInt(meter.consumed) * WASM_GAS.multiplier);
        } catch (e) {
          if (SdkErrors.OutOfGas.is(e)) throw new OutOfGasError(gasLimit);
          if (e instanceof VivianError) return answer({ ok: { error: e.message } }, BigInt(meter.consumed) * WASM_GAS.multiplier);
          throw e;
        }
      }
      if (kind === 'wasm' && variant === 'raw') {
        const addr = String(args.contract_addr);
        if (!this.getContractInfo(store, addr)) return answer({ error: { no_such_contract: { addr } } });
        const value = store.get(concatBytes(contractStorePrefix(addressBytes(addr)), fromB64(args.key, 'raw query key')));
        return answer({ ok: { ok: b64(te.encode(JSON.stringify(value ? b64(value) : null))) } });
      }
      if (kind === 'wasm' && variant === 'contract_info') {
        const addr = String(args.contract_addr);
        const info = this.getContractInfo(store, addr);
        if (!info) return answer({ error: { no_such_contract: { addr } } });
        return ok({ code_id: Number(info.codeId), creator: info.creator, admin: info.admin || null, pinned: false, ibc_port: null });
      }
      if (kind === 'wasm' && variant === 'code_info') {
        const codeId = BigInt(String(args.code_id));
        const info = this.getCodeInfo(store, codeId);
        if (!info) return answer({ error: { no_such_code: { code_id: Number(codeId) } } });
        return ok({ code_id: Number(codeId), creator: info.creator, checksum: hexOf(info.codeHash) });
      }
    } catch (e) {
      if (e instanceof VivianError) return contractErr(e.message);
      throw e;
    }
    return answer({ error: { unsupported_request: { kind: `${kind}${variant ? `.${variant}` : ''}` } } });
  }

  // ---------------------------------------------------------------- responses, messages, replies

  /** Emits the response's events, dispatches its messages depth-first and returns its (possibly replaced) data. */
  private handleResponse(exec: WasmExec, contract: string, response: VmResponse): Uint8Array {
    this.emitContractEvents(exec, contract, response);
    let data = response.data ? fromB64(response.data, 'response data') : new Uint8Array();
    for (const sub of response.messages ?? []) {
      const replyData = this.dispatchSubMsg(exec, contract, sub);
      if (replyData !== undefined) data = replyData;
    }
    return data;
  }

  private emitContractEvents(exec: WasmExec, contract: string, response: VmResponse): void {
    const checkAttrs = (attrs: Array<{ key: string; value: string }>): Array<[string, string]> =>
      attrs.map(({ key, value }) => {
        const k = String(key).trim();
        if (k === '') throw WasmErrors.InvalidEvent('an attribute key is empty');
        if (k.startsWith('_')) throw WasmErrors.InvalidEvent(`attribute key ${k} starts with "_", which is reserved`);
        return [k, String(value).trim()];
      });
    let bytes = 0;
    const attrs = response.attributes ?? [];
    if (attrs.length) {
      const pairs = checkAttrs(attrs);
      for (const [k, v] of pairs) bytes += k.length + v.length;
      exec.events.emit('wasm', [['_contract_address', contract], ...pairs]);
    }
    for (const ev of response.events ?? []) {
      const type = String(ev.type).trim();
      if (type.length < 2) throw WasmErrors.InvalidEvent(`event type ${JSON.stringify(type)} is shorter than 2 characters`);
      const pairs = checkAttrs(ev.attributes ?? []);
      for (const [k, v] of pairs) bytes += k.length + v.length;
      exec.gas.consume(WASM_GAS.customEventCost, 'wasm: custom event');
      exec.events.emit(`wasm-${type}`, [['_contract_address', contract], ...pairs]);
    }
    const charged = Math.max(0, bytes - WASM_GAS.eventAttributeDataFreeTier);
    if (charged) exec.gas.consume(charged * WASM_GAS.eventAttributeDataCost, 'wasm: event attributes');
  }

  /**
   * Runs one submessage in its own branch. Success commits the branch; failure discards it and, with
   * reply_on error/always, calls reply instead of failing. Returns the reply's data when it set some.
   */
  private dispatchSubMsg(exec: WasmExec, contract: string, sub: SubMsg): Uint8Array | undefined {
    if (exec.depth + 1 > this.config.maxCallDepth) throw WasmErrors.Limit(`messages nested deeper than ${this.config.maxCallDepth}`);
    const replyOn = sub.reply_on ?? 'never';
    const branch = new BranchStore(exec.store);
    const events = new EventManager();
    const gasLimit = sub.gas_limit === null || sub.gas_limit === undefined ? undefined : Number(sub.gas_limit);
    const meter = gasLimit === undefined ? exec.gas : new GasMeter(Math.min(gasLimit, exec.gas.limit - exec.gas.consumed));
    const child: WasmExec = { store: branch, gas: meter, events, block: exec.block, depth: exec.depth + 1 };
    const gasBefore = meter.consumed;
    let result: { data: Uint8Array; typeUrl: string } | undefined;
    let error: unknown;
    try {
      result = this.dispatchMsg(child, contract, sub.msg);
    } catch (e) {
      error = e;
    }
    if (meter !== exec.gas) exec.gas.consume(Math.min(meter.consumed, meter.limit), 'wasm: submessage');
    if (error === undefined) {
      branch.write();
      exec.events.append(events.events);
    } else {
      branch.discard();
      // out of gas of the whole tx is never caught; a submessage's own limit is
      if (meter === exec.gas && SdkErrors.OutOfGas.is(error)) throw error;
      if (!(error instanceof VivianError) || (replyOn !== 'error' && replyOn !== 'always')) throw error;
    }
    const wantReply = error === undefined ? replyOn === 'success' || replyOn === 'always' : true;
    if (!wantReply) return undefined;

    const subEvents = events.events.map((e) => ({ type: e.type, attributes: e.attributes.map((a) => ({ key: a.key, value: a.value })) }));
    const reply = {
      id: Number(sub.id),
      payload: sub.payload ?? '',
      gas_used: Math.min(meter.consumed, meter.limit) - gasBefore,
      result:
        error === undefined
          ? {
              ok: {
                events: subEvents,
                data: result!.data.length ? b64(result!.data) : null,
                msg_responses: result!.typeUrl ? [{ type_url: result!.typeUrl, value: b64(result!.data) }] : [],
              },
            }
          : { error: (error as Error).message },
    };
    const info = this.mustContractInfo(exec.store, contract);
    const code = this.mustCodeInfo(exec.store, info.codeId);
    const response = this.runVm(exec, 'reply', code.codeHash, contract, (env, host, limit) =>
      this.vm.reply(code.codeHash, env, te.encode(JSON.stringify(reply)), host, limit),
    );
    exec.events.emit('reply', [['_contract_address', contract]]);
    const data = this.handleResponse(exec, contract, response);
    return response.data ? data : undefined;
  }

  /** Runs one CosmosMsg a contract returned, with the contract as sender. */
  private dispatchMsg(exec: WasmExec, sender: string, msg: Record<string, unknown>): { data: Uint8Array; typeUrl: string } {
    const kind = Object.keys(msg ?? {})[0] ?? '';
    const body = (msg as Record<string, Record<string, Record<string, unknown>>>)[kind] ?? {};
    const variant = Object.keys(body)[0] ?? '';
    const a = body[variant] ?? {};
    const coins = (v: unknown): Coin[] => {
      if (v === undefined || v === null) return [];
      if (!Array.isArray(v)) throw WasmErrors.InvalidMsg('funds must be a list of coins');
      return parseCoins(v as Array<{ denom: string; amount: string }>, { allowEmpty: true });
    };
    if ((kind === 'stargate' || kind === 'any') && this.routers) {
      // {"stargate": {"type_url", "value"}} (CosmWasm 1) / {"any": {...}} (CosmWasm 2)
      const any = body as unknown as { type_url?: unknown; value?: unknown };
      const ctx = { store: exec.store, gas: exec.gas, events: exec.events, block: exec.block, mode: exec.mode ?? 'deliver' };
      return runSdkMsg(this.routers.msgs, ctx, sender, String(any.type_url ?? ''), fromB64(any.value ?? '', `${kind} message value`));
    }
    if (kind === 'staking' || kind === 'distribution') refuseStakingMsg(kind, variant);
    if (kind === 'bank' && variant === 'send') {
      const to = String(a.to_address);
      parseAddress(to);
      const amount = coins(a.amount);
      if (!amount.length) throw WasmErrors.InvalidMsg('bank send without coins');
      this.bank.send(exec.store, exec.events, sender, to, amount);
      return { data: new Uint8Array(), typeUrl: '/cosmos.bank.v1beta1.MsgSendResponse' };
    }
    if (kind === 'bank' && variant === 'burn') {
      const amount = coins(a.amount);
      if (!amount.length) throw WasmErrors.InvalidMsg('bank burn without coins');
      this.bank.burn(exec.store, exec.events, sender, amount);
      // as wasmd: a burn has no message response
      return { data: new Uint8Array(), typeUrl: '' };
    }
    if (kind === 'wasm') {
      if (variant === 'execute') {
        const data = this.execute(exec, { sender, contract: String(a.contract_addr), msg: fromB64(a.msg, 'execute msg'), funds: coins(a.funds) });
        return { data, typeUrl: '/cosmwasm.wasm.v1.MsgExecuteContractResponse' };
      }
      if (variant === 'instantiate' || variant === 'instantiate2') {
        const label = String(a.label ?? '');
        if (!label) throw WasmErrors.InvalidMsg('instantiate needs a label');
        const r = this.instantiate(exec, {
          creator: sender,
          admin: a.admin ? String(a.admin) : '',
          codeId: BigInt(String(a.code_id)),
          label,
          msg: fromB64(a.msg, 'instantiate msg'),
          funds: coins(a.funds),
          ...(variant === 'instantiate2' ? { salt: fromB64(a.salt, 'salt'), fixMsg: false } : {}),
        });
        return { data: r.data, typeUrl: `/cosmwasm.wasm.v1.MsgInstantiateContract${variant === 'instantiate2' ? '2' : ''}Response` };
      }
      if (variant === 'migrate') {
        const data = this.migrate(exec, { sender, contract: String(a.contract_addr), codeId: BigInt(String(a.new_code_id)), msg: fromB64(a.msg, 'migrate msg') });
        return { data, typeUrl: '/cosmwasm.wasm.v1.MsgMigrateContractResponse' };
      }
      if (variant === 'update_admin') {
        this.setAdmin(exec, sender, String(a.contract_addr), String(a.admin));
        return { data: new Uint8Array(), typeUrl: '/cosmwasm.wasm.v1.MsgUpdateAdminResponse' };
      }
      if (variant === 'clear_admin') {
        this.setAdmin(exec, sender, String(a.contract_addr), '');
        return { data: new Uint8Array(), typeUrl: '/cosmwasm.wasm.v1.MsgClearAdminResponse' };
      }
    }
    throw WasmErrors.UnknownMsg(`the chain does not support the contract message ${kind || '(empty)'}${variant ? `.${variant}` : ''}`);
  }
}

function wireCoins(coins: readonly Coin[]): Array<{ denom: string; amount: string }> {
  return coins.map((c) => ({ denom: c.denom, amount: c.amount.toString() }));
}

