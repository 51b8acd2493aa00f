import type { Event } from 'cosmjs-types/tendermint/abci/types';
import type { BlockInfo } from '../../app/context.js';
import { EventManager } from '../../app/events.js';
import { MsgRouter, QueryRouter } from '../../app/router.js';
import { toBech32Address } from '../../crypto/addresses.js';
import { sha256 } from '../../crypto/hash.js';
import { BranchStore, MemoryStore } from '../../store/branch.js';
import { GasKVStore, GasMeter } from '../../store/gas.js';
import type { Coin } from '../../types/coins.js';
import type { WasmVm } from '../../../vm/index.js';
import { AuthKeeper } from '../auth/keeper.js';
import { authModule } from '../auth/module.js';
import { BankKeeper } from '../bank/keeper.js';
import { bankModule } from '../bank/module.js';
import { WasmKeeper, type WasmConfig, type WasmExec } from './keeper.js';
import { wasmModule } from './module.js';

const te = new TextEncoder();
const td = new TextDecoder();

/** What one harness call did. */
export interface HarnessResult {
  /** SDK gas the call used (as a tx's message would: VM gas / 140,000 plus storage) */
  gasUsed: number;
  events: Event[];
  data: Uint8Array;
}

export interface HarnessOptions {
  chainId?: string;
  /** SDK gas per call (default 10,000,000) */
  gasLimit?: number;
  wasm?: Partial<WasmConfig>;
  /** the VM (default: one with the chain's capabilities); harnesses sharing one compile each code once */
  vm?: WasmVm;
}

/**
 * Runs contracts without a node (cw-multi-test style): the chain's own wasm keeper over an in-memory store with
 * bank balances, so a contract's unit tests see exactly the chain's semantics (funds, submessages, replies,
 * events, gas) in milliseconds. Every call runs in a branch: a failed call leaves no trace.
 */
export class ContractHarness {
  readonly store = new MemoryStore();
  readonly auth = new AuthKeeper();
  readonly bank = new BankKeeper(this.auth);
  readonly keeper: WasmKeeper;
  /** the app's routes as a node has them (auth, bank, wasm): contracts' stargate queries and messages use them */
  readonly msgs = new MsgRouter();
  readonly queries = new QueryRouter();
  readonly block: BlockInfo;
  gasLimit: number;

  constructor(opts: HarnessOptions = {}) {
    this.keeper = new WasmKeeper(this.auth, this.bank, opts.wasm, opts.vm);
    for (const m of [authModule(this.auth), bankModule(this.bank), wasmModule(this.keeper)]) m.register(this.msgs, this.queries);
    this.block = { chainId: opts.chainId ?? 'vivian-test', height: 1n, timeNs: 1_700_000_000_000_000_000n };
    this.gasLimit = opts.gasLimit ?? 10_000_000;
  }

  /** A deterministic account address for a name ("alice" is always the same address). */
  addr(name: string): string {
    return toBech32Address(sha256(te.encode(`harness:${name}`)).slice(0, 20));
  }

  /** Moves the block on (height +1, time +5 s by default). */
  nextBlock(seconds = 5): void {
    this.block.height += 1n;
    this.block.timeNs += BigInt(seconds) * 1_000_000_000n;
  }

  /** Creates coins in an account. */
  mint(address: string, coins: Coin[]): void {
    this.bank.mint(this.store, new EventManager(), address, coins);
  }

  balance(address: string, denom: string): bigint {
    return this.bank.getBalance(this.store, address, denom);
  }

  private run<T>(body: (exec: WasmExec) => T): { value: T } & HarnessResult {
    const branch = new BranchStore(this.store);
    const gas = new GasMeter(this.gasLimit);
    const events = new EventManager();
    const exec: WasmExec = { store: new GasKVStore(branch, gas), gas, events, block: { ...this.block }, depth: 0 };
    const value = body(exec); // throws: the branch is dropped
    branch.write();
    return { value, gasUsed: gas.consumed, events: events.events, data: value instanceof Uint8Array ? value : new Uint8Array() };
  }

  upload(wasm: Uint8Array, sender = this.addr('uploader')): { codeId: bigint; checksum: Uint8Array } & HarnessResult {
    const r = this.run((exec) => this.keeper.storeCode(exec, sender, wasm));
    return { ...r.value, gasUsed: r.gasUsed, events: r.events, data: r.data };
  }

  instantiate(
    codeId: bigint,
    sender: string,
    msg: unknown,
    opts: { funds?: Coin[]; label?: string; admin?: string; salt?: Uint8Array } = {},
  ): { address: string } & HarnessResult {
    const r = this.run((exec) =>
      this.keeper.instantiate(exec, {
        creator: sender,
        admin: opts.admin ?? '',
        codeId,
        label: opts.label ?? 'contract',
        msg: te.encode(JSON.stringify(msg)),
        funds: opts.funds ?? [],
        ...(opts.salt ? { salt: opts.salt, fixMsg: false } : {}),
      }),
    );
    return { address: r.value.address, gasUsed: r.gasUsed, events: r.events, data: r.value.data };
  }

  execute(contract: string, sender: string, msg: unknown, funds: Coin[] = []): HarnessResult {
    const r = this.run((exec) => this.keeper.execute(exec, { sender, contract, msg: te.encode(JSON.stringify(msg)), funds }));
    return { gasUsed: r.gasUsed, events: r.events, data: r.data };
  }

  migrate(contract: string, sender: string, codeId: bigint, msg: unknown): HarnessResult {
    const r = this.run((exec) => this.keeper.migrate(exec, { sender, contract, codeId, msg: te.encode(JSON.stringify(msg)) }));
    return { gasUsed: r.gasUsed, events: r.events, data: r.data };
  }

  /** A smart query; the contract's JSON answer parsed. */
  query<T = unknown>(contract: string, msg: unknown): T {
    const data = this.keeper.querySmart(this.store, this.block, contract, te.encode(JSON.stringify(msg)));
    return JSON.parse(td.decode(data)) as T;
  }

  /** Attributes of the first event of `type` as an object (for assertions). */
  static attributes(events: readonly Event[], type: string): Record<string, string> {
    const e = events.find((x) => x.type === type);
    return Object.fromEntries((e?.attributes ?? []).map((a) => [a.key, a.value]));
  }
}
