// What the end-to-end tests share: the `vivian` CLI as a child process, a node served over real sockets, cosmjs
// fees, and signed wasm txs submitted to a node in process.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Test } from 'tap';
import { BaseAccount } from 'cosmjs-types/cosmos/auth/v1beta1/auth';
import { QueryAccountRequest, QueryAccountResponse } from 'cosmjs-types/cosmos/auth/v1beta1/query';
import { QuerySmartContractStateRequest, QuerySmartContractStateResponse } from 'cosmjs-types/cosmwasm/wasm/v1/query';
import { MsgExecuteContract, MsgInstantiateContract, MsgStoreCode } from 'cosmjs-types/cosmwasm/wasm/v1/tx';
import type { Any } from 'cosmjs-types/google/protobuf/any';
import { startServers } from '../../chain/api/index.js';
import type { NodeConfig } from '../../chain/node/config.js';
import type { VivianNode } from '../../chain/node/node.js';
import { SigningCosmWasmClient } from '@cosmjs/cosmwasm-stargate';
import { makeTestNode, secpWallet, signTx, TEST_MNEMONIC, type TestAccount } from './chain.js';

// ---- the CLI ----

/** The CLI entry run through tsx, so tests need no build. */
export const CLI = join(import.meta.dirname, '..', 'e2e', 'fixtures', 'vivian.ts');

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Runs one CLI command to completion; `input` goes to its stdin. */
export function runCli(args: string[], input = '', env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout!.on('data', (d) => (out += d));
    p.stderr!.on('data', (d) => (err += d));
    p.stdin!.end(input);
    p.on('exit', (code) => resolve({ code: code ?? 1, out, err }));
  });
}

/** Starts a long-running node command (`dev`, `start`) and resolves with its RPC URL once the servers listen. */
export function startCliNode(args: string[]): Promise<{ proc: ChildProcess; rpc: string; banner: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let banner = '';
    let rpc = '';
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      banner += l + '\n';
      const m = /^rpc\s+(http:\/\/\S+)/.exec(l);
      if (m) rpc = m[1]!;
      // the banner ends with "Ctrl-C to stop." (dev) or the rest line (start)
      if (/^Ctrl-C|^rest http/.test(l)) resolve({ proc, rpc, banner });
    });
    proc.on('exit', (code) => reject(new Error(`node exited early (${code}):\n${banner}`)));
  });
}

/** `vivian dev` in `home` with the test mnemonic's first two accounts funded, free ports and a block per tx. */
export const startDevChain = (home: string) =>
  startCliNode(['dev', '--home', home, '--mnemonic', TEST_MNEMONIC, '--accounts', '2', '--rpc-port', '0', '--api-port', '0', '--block-time', '0']);

/** Stops a child process and waits for it to exit. */
export const stopProcess = (p: ChildProcess) =>
  new Promise<void>((r) => {
    p.once('exit', () => r());
    p.kill('SIGTERM');
  });

// ---- a node over sockets ----

/**
 * A test node with `funded` accounts, started, with its RPC and REST servers on free ports; stopped at the end of
 * `t`. `exitAfter`: cosmjs clients leave a reconnecting websocket behind that retries forever once the server is
 * gone, so the test process exits shortly after teardown (nothing else is pending by then).
 */
export async function serveTestNode(t: Test, funded: string[], cfg: Partial<NodeConfig> = {}, o: { exitAfter?: boolean } = {}) {
  const tn = makeTestNode(funded, { rpc_port: 0, api_port: 0, ...cfg });
  tn.node.start();
  const servers = await startServers(tn.node);
  t.teardown(async () => {
    await servers.close();
    await tn.cleanup();
    if (o.exitAfter) setTimeout(() => process.exit(process.exitCode ?? 0), 100);
  });
  return { ...tn, servers };
}

/**
 * An explicit cosmjs fee at 0.025uviv per gas. @cosmjs/cosmwasm-stargate carries its own @cosmjs/stargate, whose
 * GasPrice class is not the top-level one, so its clients are given fees rather than a gas price.
 */
export const cosmwasmFee = (gas: number) => ({ amount: [{ denom: 'uviv', amount: String(Math.ceil(gas * 0.025)) }], gas: String(gas) });

/**
 * A test node served over RPC/REST with @cosmjs/cosmwasm-stargate connected to it: `accounts` mnemonic accounts, the
 * first `funded` of them funded (all by default); the client disconnects at the end of the test.
 */
export async function cosmwasmClient(t: Test, accounts: number, funded = accounts) {
  const wallet = await secpWallet(accounts);
  const addresses = (await wallet.getAccounts()).map((a) => a.address);
  const { servers } = await serveTestNode(t, addresses.slice(0, funded), { rate_limit_per_minute: 0 }, { exitAfter: true });
  const client = await SigningCosmWasmClient.connectWithSigner(servers.rpcUrl, wallet, { broadcastPollIntervalMs: 100 });
  t.teardown(() => client.disconnect());
  return { wallet, addresses, servers, client };
}

// ---- signed txs in process ----

/** The account number the node's auth module gave `address`. */
export function accountNumber(node: VivianNode, address: string): bigint {
  const r = node.app.query({ path: '/cosmos.auth.v1beta1.Query/Account', data: QueryAccountRequest.encode({ address }).finish(), height: 0n, prove: false });
  return BaseAccount.decode(QueryAccountResponse.decode(r.value).account!.value).accountNumber;
}

/** Signs txs with each account's next sequence; account numbers are read from `node` once per account. */
export class TxSigner {
  private readonly sequences = new Map<string, bigint>();
  private readonly accountNumbers = new Map<string, bigint>();

  constructor(private readonly node: VivianNode) {}

  /** `fee` in uviv. */
  async sign(from: TestAccount, msgs: Any[], o: { fee: bigint | number; gas: bigint }): Promise<Uint8Array> {
    let number = this.accountNumbers.get(from.address);
    if (number === undefined) this.accountNumbers.set(from.address, (number = accountNumber(this.node, from.address)));
    const sequence = this.sequences.get(from.address) ?? 0n;
    this.sequences.set(from.address, sequence + 1n);
    return signTx(from, msgs, { accountNumber: number, sequence, gas: o.gas, fee: [{ denom: 'uviv', amount: o.fee.toString() }] });
  }
}

type Coins = Array<{ denom: string; amount: string }>;
/** A contract message: JSON-encoded, or bytes as they are (for malformed input). */
type ContractMsg = unknown;
const contractMsgBytes = (msg: ContractMsg) => (msg instanceof Uint8Array ? msg : new TextEncoder().encode(JSON.stringify(msg)));

export const storeCodeMsg = (sender: string, wasmByteCode: Uint8Array): Any => ({
  typeUrl: '/cosmwasm.wasm.v1.MsgStoreCode',
  value: MsgStoreCode.encode(MsgStoreCode.fromPartial({ sender, wasmByteCode })).finish(),
});

export const instantiateMsg = (sender: string, codeId: bigint, label: string, msg: ContractMsg, o: { admin?: string; funds?: Coins } = {}): Any => ({
  typeUrl: '/cosmwasm.wasm.v1.MsgInstantiateContract',
  value: MsgInstantiateContract.encode(
    MsgInstantiateContract.fromPartial({ sender, admin: o.admin ?? '', codeId, label, msg: contractMsgBytes(msg), funds: o.funds ?? [] }),
  ).finish(),
});

export const executeMsg = (sender: string, contract: string, msg: ContractMsg, funds: Coins = []): Any => ({
  typeUrl: '/cosmwasm.wasm.v1.MsgExecuteContract',
  value: MsgExecuteContract.encode(MsgExecuteContract.fromPartial({ sender, contract, msg: contractMsgBytes(msg), funds })).finish(),
});

/** The addresses of the contracts a tx instantiated, in order, from its events. */
export const instantiatedContracts = (events: ReadonlyArray<{ type: string; attributes: ReadonlyArray<{ key: string; value: string }> }>) =>
  events.filter((e) => e.type === 'instantiate').map((e) => e.attributes.find((a) => a.key === '_contract_address')!.value);

/** A smart query against the node's latest state; throws the node's log when it fails. */
export function querySmart<T = any>(node: VivianNode, address: string, msg: unknown): T {
  const r = node.app.query({
    path: '/cosmwasm.wasm.v1.Query/SmartContractState',
    data: QuerySmartContractStateRequest.encode({ address, queryData: contractMsgBytes(msg) }).finish(),
    height: 0n,
    prove: false,
  });
  if (r.code !== 0) throw new Error(r.log);
  return JSON.parse(new TextDecoder().decode(QuerySmartContractStateResponse.decode(r.value).data)) as T;
}
