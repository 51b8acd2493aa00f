/**
 * The EVM side of the VM benchmark: ERC20.sol compiled with solc (cached by source hash), deployed on an
 * @ethereumjs/vm with its default Merkle-trie state, and the three levels the benchmark measures.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBlock, type Block } from '@ethereumjs/block';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { createFeeMarket1559Tx, createTxFromRLP, type FeeMarket1559Tx } from '@ethereumjs/tx';
import { Account, Address, createAddressFromPrivateKey, hexToBytes } from '@ethereumjs/util';
import { buildBlock, createVM, runTx, type VM } from '@ethereumjs/vm';
import solc from 'solc';

const here = dirname(fileURLToPath(import.meta.url));
const SOURCE = join(here, 'ERC20.sol');
const EVM_VERSION = 'prague';

interface Compiled {
  bytecode: string;
}

/** Compiles ERC20.sol (about a second with solc-js); the output is cached under the OS temp dir by source hash. */
export function compileErc20(): Compiled {
  const source = readFileSync(SOURCE, 'utf8');
  const version = (solc as { version(): string }).version();
  const key = createHash('sha256').update(source).update(version).update(EVM_VERSION).digest('hex').slice(0, 16);
  const cacheFile = join(tmpdir(), 'vivian-bench-solc', `ERC20-${key}.json`);
  if (existsSync(cacheFile)) return JSON.parse(readFileSync(cacheFile, 'utf8')) as Compiled;
  const input = {
    language: 'Solidity',
    sources: { 'ERC20.sol': { content: source } },
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: EVM_VERSION, outputSelection: { '*': { ERC20: ['evm.bytecode.object'] } } },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: Array<{ severity: string; formattedMessage: string }>;
    contracts: Record<string, Record<string, { evm: { bytecode: { object: string } } }>>;
  };
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(`solc: ${errors.map((e) => e.formattedMessage).join('\n')}`);
  const compiled = { bytecode: out.contracts['ERC20.sol']!.ERC20!.evm.bytecode.object };
  mkdirSync(dirname(cacheFile), { recursive: true });
  writeFileSync(cacheFile, JSON.stringify(compiled));
  return compiled;
}

const word = (v: bigint) => v.toString(16).padStart(64, '0');
const TRANSFER_SELECTOR = 'a9059cbb'; // keccak256("transfer(address,uint256)")[0..4]

/** ABI call data of transfer(to, value). */
export function transferCalldata(to: Address, value: bigint): Uint8Array {
  return hexToBytes(`0x${TRANSFER_SELECTOR}${word(BigInt(to.toString()))}${word(value)}`);
}

/** ABI encoding of the constructor (string name, string symbol, address holder, uint256 supply). */
function constructorArgs(name: string, symbol: string, holder: Address, supply: bigint): string {
  const str = (s: string) => {
    const hex = Buffer.from(s, 'utf8').toString('hex');
    return word(BigInt(s.length)) + hex.padEnd(Math.ceil(hex.length / 64) * 64 || 64, '0');
  };
  const a = str(name);
  const b = str(symbol);
  return word(4n * 32n) + word(4n * 32n + BigInt(a.length / 2)) + word(BigInt(holder.toString())) + word(supply) + a + b;
}

export interface EvmAccount {
  key: Uint8Array;
  address: Address;
}

export interface EvmSetup {
  vm: VM;
  common: Common;
  token: Address;
  holders: EvmAccount[];
  /** The block txs run in (level b) and the parent of the first built block (level c). */
  block: Block;
  nonces: bigint[];
}

const GAS_PRICE = { maxFeePerGas: 10_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n };
const BASE_FEE = 7n;

/**
 * A VM with `holders` accounts funded with ether and tokens, the token deployed by holder 0. Setup runs through
 * runCall (no signatures).
 */
export async function setupEvm(holderKeys: Uint8Array[]): Promise<EvmSetup> {
  const common = new Common({ chain: Mainnet, hardfork: Hardfork.Prague });
  const vm = await createVM({ common });
  const holders = holderKeys.map((key) => ({ key, address: createAddressFromPrivateKey(key) }));
  for (const h of holders) await vm.stateManager.putAccount(h.address, new Account(0n, 10n ** 24n));
  const { bytecode } = compileErc20();
  const deployer = holders[0]!.address;
  const supply = 10n ** 30n;
  const deploy = await vm.evm.runCall({
    caller: deployer,
    data: hexToBytes(`0x${bytecode}${constructorArgs('Bench Token', 'BNCH', deployer, supply)}`),
    gasLimit: 5_000_000n,
  });
  if (deploy.execResult.exceptionError || !deploy.createdAddress) throw new Error(`deploy failed: ${deploy.execResult.exceptionError?.error}`);
  const token = deploy.createdAddress;
  // every holder gets a balance, so each measured transfer updates two existing slots (as on the cw20 side)
  for (const h of holders.slice(1)) {
    const r = await vm.evm.runCall({ caller: deployer, to: token, data: transferCalldata(h.address, supply / 10_000n), gasLimit: 100_000n });
    if (r.execResult.exceptionError) throw new Error(`funding failed: ${r.execResult.exceptionError.error}`);
  }
  await vm.stateManager.checkpoint();
  await vm.stateManager.commit();
  const block = createBlock({ header: { number: 1n, gasLimit: 60_000_000n, baseFeePerGas: BASE_FEE, timestamp: 1n } }, { common });
  const s: EvmSetup = { vm, common, token, holders, block, nonces: [] };
  await syncNonces(s);
  return s;
}

/** Reads every holder's nonce from the state (runCall bumps the caller's nonce too): signed txs continue from it. */
export async function syncNonces(s: EvmSetup): Promise<void> {
  s.nonces = await Promise.all(s.holders.map(async (h) => (await s.vm.stateManager.getAccount(h.address))!.nonce));
}

/** A signed EIP-1559 transfer from holder `from`, using and advancing its nonce. */
export function signedTransfer(s: EvmSetup, from: number, to: number, value: bigint): FeeMarket1559Tx {
  const nonce = s.nonces[from]!;
  s.nonces[from] = nonce + 1n;
  return createFeeMarket1559Tx(
    { nonce, to: s.token, data: transferCalldata(s.holders[to]!.address, value), gasLimit: 100_000n, value: 0n, chainId: 1n, ...GAS_PRICE },
    { common: s.common },
  ).sign(s.holders[from]!.key);
}

/** A signed transfer as the bytes a node receives (RLP), for level c2. */
export function signedTransferBytes(s: EvmSetup, from: number, to: number, value: bigint): Uint8Array {
  return signedTransfer(s, from, to, value).serialize();
}

/** Received bytes decoded into a fresh tx object: its sender is not recovered yet (that happens in runTx). */
export function receivedTransfer(s: EvmSetup, bytes: Uint8Array): FeeMarket1559Tx {
  return createTxFromRLP(bytes, { common: s.common }) as FeeMarket1559Tx;
}

/** Level a: the EVM call alone (no tx envelope, no nonce or fee), against the trie-backed state manager. */
export async function evmCall(s: EvmSetup, from: number, to: number, value: bigint): Promise<void> {
  const r = await s.vm.evm.runCall({ caller: s.holders[from]!.address, to: s.token, data: transferCalldata(s.holders[to]!.address, value), gasLimit: 100_000n });
  if (r.execResult.exceptionError) throw new Error(`transfer failed: ${r.execResult.exceptionError.error}`);
}

/** Level b: runTx of a pre-signed tx whose sender was recovered before (ethereumjs caches it on the frozen tx). */
export async function evmRunTx(s: EvmSetup, tx: FeeMarket1559Tx): Promise<void> {
  const r = await runTx(s.vm, { tx, block: s.block, skipHardForkValidation: true });
  if (r.execResult.exceptionError) throw new Error(`tx failed: ${r.execResult.exceptionError.error}`);
}

/** Level c: builds one block from freshly signed txs and commits its state (state root computed). */
export async function evmBuildBlock(s: EvmSetup, parent: Block, txs: FeeMarket1559Tx[]): Promise<Block> {
  const builder = await buildBlock(s.vm, {
    parentBlock: parent,
    headerData: { number: parent.header.number + 1n, gasLimit: 60_000_000n, baseFeePerGas: BASE_FEE, timestamp: parent.header.timestamp + 12n },
    blockOpts: { putBlockIntoBlockchain: false, calcDifficultyFromHeader: parent.header },
  });
  for (const tx of txs) {
    const r = await builder.addTransaction(tx, { skipHardForkValidation: true });
    if (r.execResult.exceptionError) throw new Error(`tx failed: ${r.execResult.exceptionError.error}`);
  }
  const { block } = await builder.build();
  return block;
}
