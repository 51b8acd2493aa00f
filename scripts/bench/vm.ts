/**
 * VM benchmark: a cw20 transfer on VIVIAN against an ERC-20 transfer on @ethereumjs/vm (ERC20.sol compiled with
 * solc), both measured in this run, at three levels that do the same work on both sides:
 *   a. VM only    — WasmVm.execute against an in-memory storage map | evm.runCall against the trie state manager
 *   b. full tx    — the app's tx runner (decode, ante with fee and sequence, MsgExecuteContract) with the signature
 *                   already in the node's verified-signature cache | runTx of a pre-signed tx whose sender was
 *                   already recovered (ethereumjs caches it on the tx): neither side verifies a signature
 *   c. signed tx  — sign + CheckTx + blocks of BLOCK_TXS through finalizeBlock + commit into LMDB | sign +
 *                   buildBlock (runTx, sender recovery) + build (state commit, state root), per tx; VIVIAN signs
 *                   with ed25519 (its native key) and, in a second series (c'), with secp256k1 like the EVM
 *   c2. received  — level c as the node sees it: the txs were signed by their wallets before the clock, so the
 *                   timing covers the bytes a node receives (decode, signature check, execute, commit) | the RLP
 *                   bytes decoded into fresh tx objects (the sender is recovered inside the timing) + buildBlock +
 *                   build; ed25519 and secp256k1 series on VIVIAN
 * plus the instrumentation overhead: the same cw20 transfer on the metered module against one compiled without
 * gas and depth metering. Median and p95 per tx over the measured txs (after warm-up); CPU time per tx too, as
 * the machine is shared.
 *
 * Usage: tsx scripts/bench/vm.ts [--quick] [--json] [--vivian-only]   (--vivian-only: skip the EVM, for profiling)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TxBody, AuthInfo, TxRaw, SignDoc } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { SignMode } from 'cosmjs-types/cosmos/tx/signing/v1beta1/signing';
import { MsgExecuteContract, MsgInstantiateContract, MsgStoreCode } from 'cosmjs-types/cosmwasm/wasm/v1/tx';
import type { Any } from 'cosmjs-types/google/protobuf/any';
import { ed25519PublicKey, signEd25519 } from '../../chain/crypto/ed25519.js';
import { secp256k1PublicKey, signSecp256k1 } from '../../chain/crypto/secp256k1.js';
import { encodePubKeyAny, addressOfPubKey, type KeyAlgo } from '../../chain/crypto/pubkeys.js';
import { toBech32Address } from '../../chain/crypto/addresses.js';
import { sha256 } from '../../chain/crypto/hash.js';
import { DEFAULT_CONFIG } from '../../chain/node/config.js';
import { initHome } from '../../chain/node/home.js';
import { VivianNode } from '../../chain/node/node.js';
import { Bucket } from '../../chain/store/buckets.js';
import { BranchStore, MemoryStore } from '../../chain/store/branch.js';
import { runTx, type TxRunnerDeps } from '../../chain/app/txRunner.js';
import { SigCache } from '../../chain/crypto/sigCache.js';
import type { BlockInfo } from '../../chain/app/context.js';
import { addressApi, WASM_CAPABILITIES } from '../../chain/modules/wasm/index.js';
import { Order, WasmVm, type Env, type Host } from '../../vm/index.js';
import { contractWasm } from '../../test/contracts/build.js';
import { evmBuildBlock, evmCall, evmRunTx, receivedTransfer, setupEvm, signedTransfer, signedTransferBytes, syncNonces, type EvmSetup } from './evm/erc20.js';

const quick = process.argv.includes('--quick');
const json = process.argv.includes('--json');
const vivianOnly = process.argv.includes('--vivian-only');
const TXS = quick ? 1_000 : 3_000;
const WARMUP = quick ? 300 : 1_000;
// both sides use the same holders; 50 keeps every signer's parsed key in the signing cache (a wallet keeps its key)
const HOLDERS = 50;
const BLOCK_TXS = 100;
const CHAIN = 'vivian-bench-1';
const VM_GAS_LIMIT = 10_000_000n * 140_000n;
const te = new TextEncoder();

// ---------------------------------------------------------------- measuring

interface Stats {
  median: number;
  p95: number;
  mean: number;
  /** CPU microseconds (user + system) per tx over the whole measured loop */
  cpu: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

type Op = (i: number) => unknown;

/**
 * Runs `count` ops of each side, alternating chunks of `chunk` ops between the sides so that both see the same
 * machine load; each op is timed alone (µs), CPU time is summed per side. `perOp` > 1 when an op is a block.
 */
async function interleave(count: number, chunk: number, sides: ReadonlyArray<Op | undefined>, perOp = 1): Promise<Array<Stats | undefined>> {
  const samples = sides.map(() => [] as number[]);
  const cpu = sides.map(() => 0);
  for (let off = 0; off < count; off += chunk) {
    for (let s = 0; s < sides.length; s++) {
      const op = sides[s];
      if (!op) continue;
      const n = Math.min(chunk, count - off);
      const cpu0 = process.cpuUsage();
      for (let i = off; i < off + n; i++) {
        const t0 = performance.now();
        const r = op(i);
        if (r instanceof Promise) await r;
        samples[s]!.push(((performance.now() - t0) * 1000) / perOp);
      }
      const c = process.cpuUsage(cpu0);
      cpu[s]! += c.user + c.system;
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  return sides.map((op, s) => (op ? { median: pct(samples[s]!, 50), p95: pct(samples[s]!, 95), mean: mean(samples[s]!), cpu: cpu[s]! / (count * perOp) } : undefined));
}

// ---------------------------------------------------------------- VIVIAN accounts and txs

interface Sender {
  algo: KeyAlgo;
  priv: Uint8Array;
  pub: Uint8Array;
  address: string;
  accountNumber: bigint;
  sequence: bigint;
}

function makeSender(algo: KeyAlgo = 'ed25519'): Sender {
  const priv = new Uint8Array(randomBytes(32));
  const pub = algo === 'ed25519' ? ed25519PublicKey(priv) : secp256k1PublicKey(priv);
  return { algo, priv, pub, address: toBech32Address(addressOfPubKey({ algo, key: pub })), accountNumber: 0n, sequence: 0n };
}

interface SignedTx {
  bytes: Uint8Array;
  signBytes: Uint8Array;
  signature: Uint8Array;
  /** the signer's key as the ante sees it: the PubKey Any's value */
  pubKeyValue: Uint8Array;
}

/** A SIGN_MODE_DIRECT tx from `s` at its next sequence. */
function signTx(s: Sender, messages: Any[], gasLimit: bigint): SignedTx {
  const bodyBytes = TxBody.encode(TxBody.fromPartial({ messages })).finish();
  const publicKey = encodePubKeyAny({ algo: s.algo, key: s.pub });
  const authInfoBytes = AuthInfo.encode(
    AuthInfo.fromPartial({
      signerInfos: [{ publicKey, modeInfo: { single: { mode: SignMode.SIGN_MODE_DIRECT } }, sequence: s.sequence }],
      fee: { amount: [{ denom: 'uviv', amount: '5000' }], gasLimit },
    }),
  ).finish();
  s.sequence++;
  const signBytes = SignDoc.encode({ bodyBytes, authInfoBytes, chainId: CHAIN, accountNumber: s.accountNumber }).finish();
  const signature = s.algo === 'ed25519' ? signEd25519(s.priv, signBytes) : signSecp256k1(s.priv, signBytes);
  return { bytes: TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [signature] }).finish(), signBytes, signature, pubKeyValue: publicKey.value };
}

const transferMsg = (recipient: string, amount: bigint) => te.encode(JSON.stringify({ transfer: { recipient, amount: amount.toString() } }));

function executeAny(sender: string, contract: string, msg: Uint8Array): Any {
  return { typeUrl: '/cosmwasm.wasm.v1.MsgExecuteContract', value: MsgExecuteContract.encode({ sender, contract, msg, funds: [] }).finish() };
}

// ---------------------------------------------------------------- level a (and the instrumentation overhead)

/** Contract storage as a plain in-memory map (the VM-only level: no chain store, no SDK gas). */
function mapHost(store: MemoryStore): Host {
  return {
    storage: {
      get: (k) => store.get(k),
      set: (k, v) => store.set(k, v),
      remove: (k) => store.delete(k),
      scan(start, end, order) {
        const it = store.iterate(start ?? new Uint8Array(), end, order === Order.Descending)[Symbol.iterator]();
        return { next: () => { const r = it.next(); return r.done ? undefined : [r.value[0], r.value[1]]; } };
      },
    },
    api: addressApi,
    querier: { queryChain: () => { throw new Error('the benchmark contract makes no queries'); } },
  };
}

interface WasmSide {
  vm: WasmVm;
  checksum: Uint8Array;
  host: Host;
  env: Env;
}

function wasmSide(wasm: Uint8Array, holders: string[], unmetered: boolean): WasmSide {
  const vm = new WasmVm({ capabilities: WASM_CAPABILITIES, unmetered });
  const { checksum } = vm.storeCode(wasm);
  const host = mapHost(new MemoryStore());
  const env: Env = { block: { height: 2, time: '1700000000000000000', chain_id: CHAIN }, transaction: null, contract: { address: toBech32Address(sha256(te.encode('bench token'))) } };
  const init = te.encode(JSON.stringify({ name: 'Bench Token', symbol: 'BNCH', decimals: 6, initial_balances: holders.map((address) => ({ address, amount: '1000000000000' })) }));
  const r = vm.instantiate(checksum, env, { sender: holders[0]!, funds: [] }, init, host, VM_GAS_LIMIT);
  if ('error' in r.result) throw new Error(`instantiate failed: ${r.result.error}`);
  return { vm, checksum, host, env };
}

function wasmTransfer(w: WasmSide, holders: string[], i: number): void {
  const from = holders[i % holders.length]!;
  const to = holders[(i + 1) % holders.length]!;
  const r = w.vm.execute(w.checksum, w.env, { sender: from, funds: [] }, transferMsg(to, 1n), w.host, VM_GAS_LIMIT);
  if ('error' in r.result) throw new Error(`transfer failed: ${r.result.error}`);
}

// ---------------------------------------------------------------- levels b and c on a node

async function openNode(senders: Sender[]) {
  const home = mkdtempSync(join(tmpdir(), 'vivian-bench-vm-'));
  initHome(home, { chainId: CHAIN, moniker: 'bench', balances: senders.map((s) => ({ address: s.address, coins: [{ denom: 'uviv', amount: '1000000000000' }] })) });
  const node = VivianNode.open(home, { ...DEFAULT_CONFIG, min_gas_price: '0uviv', block_time_ms: 0, no_sync: true, mempool_max_txs: 100_000 });
  const reader = node.app.db.bucketReader(Bucket.State);
  for (const s of senders) s.accountNumber = node.app.auth.getAccount(reader, s.address)!.accountNumber;
  return { node, cleanup: async () => { await node.stop(); rmSync(home, { recursive: true, force: true }); } };
}

/** Broadcasts and commits txs in one block, failing loudly on any error. */
function commitBlock(node: VivianNode, txs: SignedTx[]) {
  for (const tx of txs) {
    const r = node.broadcastTx(tx.bytes);
    if (r.result.code !== 0) throw new Error(`checkTx failed: ${r.result.log}`);
  }
  const block = node.engine.produceBlock();
  const bad = block.txs.find((t) => t.result.code !== 0);
  if (bad) throw new Error(`tx failed in block ${block.height}: ${bad.result.log}`);
  if (block.txs.length !== txs.length) throw new Error(`block ${block.height} has ${block.txs.length} of ${txs.length} txs`);
  return block;
}

async function deployToken(node: VivianNode, senders: Sender[], wasm: Uint8Array): Promise<string> {
  const owner = senders[0]!;
  commitBlock(node, [signTx(owner, [{ typeUrl: '/cosmwasm.wasm.v1.MsgStoreCode', value: MsgStoreCode.encode({ sender: owner.address, wasmByteCode: wasm }).finish() }], 20_000_000n)]);
  const init = te.encode(JSON.stringify({ name: 'Bench Token', symbol: 'BNCH', decimals: 6, initial_balances: senders.map((s) => ({ address: s.address, amount: '1000000000000' })) }));
  const block = commitBlock(node, [
    signTx(owner, [{ typeUrl: '/cosmwasm.wasm.v1.MsgInstantiateContract', value: MsgInstantiateContract.encode({ sender: owner.address, admin: '', codeId: 1n, label: 'bench token', msg: init, funds: [] }).finish() }], 20_000_000n),
  ]);
  const attr = block.txs[0]!.result.events.flatMap((e) => e.attributes).find((a) => a.key === '_contract_address');
  if (!attr) throw new Error('no contract address in the instantiate events');
  return attr.value;
}

const TX_GAS = 400_000n;

function vivianTransfer(senders: Sender[], token: string, i: number): SignedTx {
  const from = senders[i % senders.length]!;
  const to = senders[(i + 1) % senders.length]!;
  return signTx(from, [executeAny(from.address, token, transferMsg(to.address, 1n))], TX_GAS);
}

// ---------------------------------------------------------------- the run

const CHUNK = 100;
const pair = (i: number) => [i % HOLDERS, (i + 1) % HOLDERS] as const;
const wasm = await contractWasm('token');

// setup: the VM-only sides, a node with the token deployed, an EVM with the ERC-20 deployed (same holders count)
const cwHolders = Array.from({ length: HOLDERS }, () => makeSender().address);
const metered = wasmSide(wasm, cwHolders, false);
const unmetered = wasmSide(wasm, cwHolders, true);
// ed25519 (VIVIAN's native key) signs at every level; secp256k1 (the Cosmos wallets' key, and the EVM's curve)
// signs a second series at level c, for a comparison with the same signature scheme on both sides
const senders = Array.from({ length: HOLDERS }, () => makeSender('ed25519'));
const secpSenders = Array.from({ length: HOLDERS }, () => makeSender('secp256k1'));
const { node, cleanup } = await openNode([...senders, ...secpSenders]);
const token = await deployToken(node, [...senders, ...secpSenders], wasm);
const evm: EvmSetup | undefined = vivianOnly ? undefined : await setupEvm(Array.from({ length: HOLDERS }, () => new Uint8Array(randomBytes(32))));

// level a (with the instrumentation overhead): WasmVm.execute | runCall
const cwOp = (side: WasmSide) => (i: number) => wasmTransfer(side, cwHolders, i);
const evmCallOp = evm && ((i: number) => evmCall(evm, ...pair(i), 1n));
for (let i = 0; i < WARMUP; i++) {
  cwOp(metered)(i);
  cwOp(unmetered)(i);
  await evmCallOp?.(i);
}
const [vivianVm, vivianVmUnmetered, evmVm] = (await interleave(TXS, CHUNK, [cwOp(metered), cwOp(unmetered), evmCallOp])) as [Stats, Stats, Stats | undefined];

// level b: the tx runner as finalizeBlock runs it (the app's own router, keepers and module checks) on a block
// branch that is dropped afterwards, every signature already in the verified-signature cache as CheckTx leaves
// it | runTx of pre-signed txs whose senders were recovered before the clock (ethereumjs caches them on the tx)
const app = node.app;
const deps = (app as unknown as { txDeps(): TxRunnerDeps }).txDeps();
const sigCache = new SigCache();
const seqBefore = senders.map((s) => s.sequence);
const cwTxs = Array.from({ length: WARMUP + TXS }, (_, i) => vivianTransfer(senders, token, i));
for (const tx of cwTxs) sigCache.add(tx.pubKeyValue, tx.signBytes, tx.signature);
const blockState = new BranchStore(app.db.bucketReader(Bucket.State));
const blockInfo: BlockInfo = { chainId: CHAIN, height: app.height + 1n, timeNs: 1_700_000_000_000_000_000n };
const deliver = (i: number) => {
  const { outcome, anteBranch } = runTx(deps, blockState, cwTxs[i]!.bytes, blockInfo, 'deliver', { minGasPrices: [], sigCache });
  if (outcome.result.code !== 0) throw new Error(`tx failed: ${outcome.result.log}`);
  anteBranch!.write();
};
if (evm) await syncNonces(evm);
const evmTxs = evm && Array.from({ length: WARMUP + TXS }, (_, i) => signedTransfer(evm, ...pair(i), 1n));
for (const tx of evmTxs ?? []) tx.getSenderAddress();
const evmTxOp = evm && ((i: number) => evmRunTx(evm, evmTxs![i]!));
for (let i = 0; i < WARMUP; i++) {
  deliver(i);
  await evmTxOp?.(i);
}
const [vivianTx, evmTx] = (await interleave(TXS, CHUNK, [(i) => deliver(WARMUP + i), evmTxOp && ((i: number) => evmTxOp(WARMUP + i))])) as [Stats, Stats | undefined];
// nothing of level b is committed: the senders' sequences go back to the committed state's
senders.forEach((s, i) => (s.sequence = seqBefore[i]!));

// level c: sign + CheckTx + finalizeBlock + commit into LMDB | sign + buildBlock + build (state commit and root);
// blocks of BLOCK_TXS, alternating one block each
let cwNext = 0;
let secpNext = 0;
const cwBlock = () => commitBlock(node, Array.from({ length: BLOCK_TXS }, () => vivianTransfer(senders, token, cwNext++)));
const secpBlock = () => commitBlock(node, Array.from({ length: BLOCK_TXS }, () => vivianTransfer(secpSenders, token, secpNext++)));
if (evm) await syncNonces(evm);
let parent = evm?.block;
let evmNext = 0;
const evmBlock = evm && (async () => {
  parent = await evmBuildBlock(evm, parent!, Array.from({ length: BLOCK_TXS }, () => signedTransfer(evm, ...pair(evmNext++), 1n)));
});
for (let b = 0; b < WARMUP / BLOCK_TXS; b++) {
  cwBlock();
  secpBlock();
  await evmBlock?.();
}
const [vivianSigned, vivianSignedSecp, evmSigned] = (await interleave(TXS / BLOCK_TXS, 1, [cwBlock, secpBlock, evmBlock], BLOCK_TXS)) as [Stats, Stats, Stats | undefined];

// level c2: the blocks of level c signed before the clock (the wallets' work), then received, checked, executed
// and committed | RLP bytes decoded into fresh txs (sender recovery in the timing) + buildBlock + build
const preBlocks = WARMUP / BLOCK_TXS + TXS / BLOCK_TXS;
const preSigned = (series: Sender[], next: () => number) =>
  Array.from({ length: preBlocks }, () => Array.from({ length: BLOCK_TXS }, () => vivianTransfer(series, token, next())));
const cwReceived = preSigned(senders, () => cwNext++);
const secpReceived = preSigned(secpSenders, () => secpNext++);
const evmReceived = evm && Array.from({ length: preBlocks }, () => Array.from({ length: BLOCK_TXS }, () => signedTransferBytes(evm, ...pair(evmNext++), 1n)));
let received = 0;
let secpReceivedAt = 0;
let evmReceivedAt = 0;
const cwReceivedBlock = () => commitBlock(node, cwReceived[received++]!);
const secpReceivedBlock = () => commitBlock(node, secpReceived[secpReceivedAt++]!);
const evmReceivedBlock = evm && (async () => {
  parent = await evmBuildBlock(evm, parent!, evmReceived![evmReceivedAt++]!.map((bytes) => receivedTransfer(evm, bytes)));
});
for (let b = 0; b < WARMUP / BLOCK_TXS; b++) {
  cwReceivedBlock();
  secpReceivedBlock();
  await evmReceivedBlock?.();
}
const [vivianReceived, vivianReceivedSecp, evmReceivedStats] = (await interleave(TXS / BLOCK_TXS, 1, [cwReceivedBlock, secpReceivedBlock, evmReceivedBlock], BLOCK_TXS)) as [Stats, Stats, Stats | undefined];
await cleanup();

const f = (x: number) => x.toFixed(1);
const cell = (x: Stats | undefined) => (x ? `${f(x.median)} / ${f(x.p95)} / ${f(x.mean)} / ${f(x.cpu)}` : '-');
const ratio = (e: Stats | undefined, v: Stats) => (e ? `${(e.median / v.median).toFixed(1)}x (CPU ${(e.cpu / v.cpu).toFixed(1)}x)` : '-');
const overhead = vivianVm.median / vivianVmUnmetered.median;
console.log(`VM benchmark (${quick ? 'quick' : 'full'}): cw20 transfer on VIVIAN vs ERC-20 transfer on @ethereumjs/vm, ${TXS} txs per level after ${WARMUP} warm-up, ${HOLDERS} holders`);
console.log('level                          VIVIAN median / p95 / mean / CPU (µs)   EVM median / p95 / mean / CPU (µs)      EVM / VIVIAN');
const row = (name: string, v: Stats, e: Stats | undefined) => console.log(`${name.padEnd(30)} ${cell(v).padEnd(39)} ${cell(e).padEnd(39)} ${ratio(e, v)}`);
row('a. VM only', vivianVm, evmVm);
row('b. full tx, no signature', vivianTx, evmTx);
row(`c. signed + commit (${BLOCK_TXS}/block)`, vivianSigned, evmSigned);
row('c\'. same, VIVIAN secp256k1', vivianSignedSecp, evmSigned);
row('c2. received + commit (ed25519)', vivianReceived, evmReceivedStats);
row('c2\'. received, VIVIAN secp256k1', vivianReceivedSecp, evmReceivedStats);
console.log(`instrumentation: metered ${f(vivianVm.median)} µs vs unmetered ${f(vivianVmUnmetered.median)} µs per transfer = ${overhead.toFixed(2)}x`);
console.log('both sides alternate chunks of txs (blocks at level c), so they share the machine\'s load; CPU = user + system time of the process per tx; level c per tx = a block\'s time / its txs');
console.log('VIVIAN signs with ed25519 (its native key; c\' with secp256k1, as the EVM), the EVM with secp256k1; both sign with @noble/curves for secp256k1');
console.log('c2: the same blocks with the txs signed before the clock, as a node receives them (both sides still check every signature)');
if (json) {
  const r2 = (x: number | undefined) => (x === undefined ? null : +x.toFixed(2));
  const levels = { vm: [vivianVm, evmVm], tx: [vivianTx, evmTx], signed: [vivianSigned, evmSigned] } as const;
  const out: Record<string, number | null> = {};
  for (const [name, [v, e]] of Object.entries(levels)) {
    out[`vivian_${name}_us`] = r2(v.median);
    out[`evm_${name}_us`] = r2(e?.median);
    out[`vivian_${name}_p95_us`] = r2(v.p95);
    out[`evm_${name}_p95_us`] = r2(e?.p95);
    out[`vivian_${name}_mean_us`] = r2(v.mean);
    out[`evm_${name}_mean_us`] = r2(e?.mean);
    out[`vivian_${name}_cpu_us`] = r2(v.cpu);
    out[`evm_${name}_cpu_us`] = r2(e?.cpu);
    out[`speedup_${name}`] = e ? r2(e.median / v.median) : null;
    out[`speedup_${name}_cpu`] = e ? r2(e.cpu / v.cpu) : null;
  }
  out.vivian_signed_secp256k1_us = r2(vivianSignedSecp.median);
  out.vivian_signed_secp256k1_p95_us = r2(vivianSignedSecp.p95);
  out.vivian_signed_secp256k1_cpu_us = r2(vivianSignedSecp.cpu);
  out.speedup_signed_secp256k1 = evmSigned ? r2(evmSigned.median / vivianSignedSecp.median) : null;
  out.vivian_received_us = r2(vivianReceived.median);
  out.vivian_received_secp256k1_us = r2(vivianReceivedSecp.median);
  out.evm_received_us = r2(evmReceivedStats?.median);
  out.speedup_received = evmReceivedStats ? r2(evmReceivedStats.median / vivianReceived.median) : null;
  out.speedup_received_secp256k1 = evmReceivedStats ? r2(evmReceivedStats.median / vivianReceivedSecp.median) : null;
  out.vivian_vm_unmetered_us = r2(vivianVmUnmetered.median);
  out.instrumentation_overhead = r2(overhead);
  out.txs = TXS;
  out.block_txs = BLOCK_TXS;
  console.log(JSON.stringify(out));
}
