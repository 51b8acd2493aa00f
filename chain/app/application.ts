import {
  CheckTxType,
  ExecTxResult,
  ResponseFinalizeBlock,
  ResponseProcessProposal_ProposalStatus,
  type Event,
  type RequestCheckTx,
  type RequestFinalizeBlock,
  type RequestInitChain,
  type RequestPrepareProposal,
  type RequestProcessProposal,
  type RequestQuery,
  type ResponseCheckTx,
  type ResponseCommit,
  type ResponseInfo,
  type ResponseInitChain,
  type ResponsePrepareProposal,
  type ResponseProcessProposal,
  type ResponseQuery,
  type ValidatorUpdate,
} from 'cosmjs-types/tendermint/abci/types';
import { SimulateRequest, SimulateResponse } from 'cosmjs-types/cosmos/tx/v1beta1/service';
import { decodeTx, type DecodedTx } from '../codec/tx.js';
import { sha256, txHash } from '../crypto/hash.js';
import { LedgerAccumulator, encodeLedgerEntry, encodeTxInfo, leafHash, type TxInfo } from '../ledger/index.js';
import { keyValueLedgerNodeStore, ledgerNodeKey } from '../ledger/keys.js';
import { Bucket, readU64be, u64be } from '../store/buckets.js';
import { BranchStore, keyString, type ReadCache } from '../store/branch.js';
import { HistoricalState, writeHistory } from '../store/history.js';
import type { KVReader } from '../store/kv.js';
import { encodeKeyList } from '../store/keyList.js';
import type { NodeDb, WriteBatch } from '../store/nodeDb.js';
import { StateTree, type TreeBatchResult } from '../store/stateTree/tree.js';
import { RecentTreeNodes } from '../store/stateTree/recentNodes.js';
import type { StateProof } from '../store/stateTree/proof.js';
import { infiniteGasMeter } from '../store/gas.js';
import type { DecCoin } from '../types/coins.js';
import { SdkErrors } from '../types/sdkErrors.js';
import { VivianError } from '../types/errors.js';
import { AuthKeeper } from '../modules/auth/keeper.js';
import { authModule } from '../modules/auth/module.js';
import { BankKeeper } from '../modules/bank/keeper.js';
import { bankModule } from '../modules/bank/module.js';
import { FEE_COLLECTOR } from './ante.js';
import type { BlockInfo, Context } from './context.js';
import { EventManager } from './events.js';
import { DEFAULT_CONSENSUS_PARAMS, type ConsensusParamsJson } from './genesis.js';
import type { AppModule } from './module.js';
import { MsgRouter, QueryRouter } from './router.js';
import { decodeCommittedTx, errorResult, runTx, type TxOutcome } from './txRunner.js';
import { appHash, encodeRoots, encodeTxResult, eventsHash, type Roots } from './roots.js';

export { appHash, eventsHash };
import { ChainReader } from '../store/chainReader.js';
import { ledgerTxJson } from '../client/wire.js';
import { SigCache } from '../crypto/sigCache.js';
import { pendingSignatures, type PendingSignature } from './preVerify.js';
import { embeddingHash } from '../vectorIndex/embedding.js';
import { vectorBytes } from '../vectorIndex/vector.js';

export const APP_VERSION = '0.1.0';
const enc = new TextEncoder();
const dec = new TextDecoder();

/** What a committed block hands to the parts that store or publish alongside the app (block store, indexes). */
export interface CommittedTx {
  version: bigint;
  index: number;
  hash: Uint8Array;
  bytes: Uint8Array;
  result: ExecTxResult;
  /** `result` as stored (ExecTxResult protobuf) */
  resultBytes: Uint8Array;
  txInfo: TxInfo;
  /** `txInfo` encoded: the ledger leaf's data */
  leafData: Uint8Array;
  /** the decoded tx and its signers (absent when the bytes did not decode) */
  tx?: DecodedTx;
  signers?: string[];
  /** the tx's embedding when a module gives one (txInfo.embeddingHash is its hash); stored under Bucket.TxEmbedding */
  embedding?: Int8Array;
}

export interface CommittedBlock {
  height: bigint;
  timeNs: bigint;
  txs: CommittedTx[];
  appHash: Uint8Array;
  roots: Roots;
  events: Event[];
  /** the state keys this block changed (in key order) */
  changedKeys: Uint8Array[];
}

/** Something that writes in the block's LMDB transaction and/or reacts once it is durable. */
export interface CommitParticipant {
  stage?(batch: WriteBatch, block: CommittedBlock): void;
  afterCommit?(block: CommittedBlock): void;
}

export interface AppOptions {
  /** the node's --min-gas-price (CheckTx policy) */
  minGasPrices?: DecCoin[];
  /** extra modules (wasm, vector …) plugged in after auth and bank */
  modules?: (auth: AuthKeeper, bank: BankKeeper) => AppModule[];
}

interface PendingBlock {
  block: CommittedBlock;
  stateChanges: Array<[Uint8Array, Uint8Array | null]>;
  tree: TreeBatchResult;
  firstVersion: bigint;
  response: ResponseFinalizeBlock;
}

/** The deterministic state machine, behind the ABCI 2.0 method set (the in-process engine and the ABCI socket both call it). */
export class VivianApp {
  readonly msgs = new MsgRouter();
  readonly queries = new QueryRouter();
  readonly auth: AuthKeeper;
  readonly bank: BankKeeper;
  private readonly modules: AppModule[];
  private readonly txChecks: Array<(ctx: Context, tx: DecodedTx) => void>;
  private readonly embedder: AppModule | undefined;
  private readonly tree: StateTree;
  private readonly ledger: LedgerAccumulator;
  private readonly committedState: KVReader;
  /**
   * Committed state values read since the last commit, shared by the check state and the block being built:
   * DeliverTx reads the accounts and balances CheckTx just read, from the same committed state.
   */
  private readonly treeNodes: RecentTreeNodes;
  private readonly committedReads: ReadCache = new Map();
  private readonly participants: CommitParticipant[] = [];
  private checkState: BranchStore;
  /**
   * The check state the last commit replaced, with the state keys that commit changed: until the mempool
   * rebases (rebaseCheckState), the pending txs' check effects can be carried over from it.
   */
  private replacedCheckState: { state: BranchStore; changedKeys: ReadonlySet<string> } | null = null;
  private pending: PendingBlock | null = null;
  /** what the last commit() made durable (the in-process engine publishes it) */
  /** The block the last commit wrote, until its consumer (the consensus engine) releases it. */
  lastCommittedBlock: CommittedBlock | null = null;

  /** Forgets the last committed block once it has been published: it holds every tx's result and bytes. */
  releaseCommittedBlock(): void {
    this.lastCommittedBlock = null;
  }
  private minGasPrices: DecCoin[];
  private readonly sigCache = new SigCache();

  // committed chain position
  private lastHeight: bigint;
  private lastAppHash: Uint8Array;
  private chainIdValue: string;
  private consensusParams: ConsensusParamsJson;

  constructor(
    readonly db: NodeDb,
    opts: AppOptions = {},
  ) {
    this.minGasPrices = opts.minGasPrices ?? [];
    this.auth = new AuthKeeper({ [FEE_COLLECTOR]: [] });
    this.bank = new BankKeeper(this.auth);
    this.modules = [authModule(this.auth), bankModule(this.bank), ...(opts.modules?.(this.auth, this.bank) ?? [])];
    for (const m of this.modules) m.register(this.msgs, this.queries);
    this.txChecks = this.modules.flatMap((m) => (m.checkTx ? [m.checkTx.bind(m)] : []));
    this.embedder = this.modules.find((m) => m.embedTx);
    this.registerServiceQueries();

    this.committedState = db.bucketReader(Bucket.State);
    this.treeNodes = new RecentTreeNodes({ get: (k) => db.get(Bucket.StateTreeNode, k) });
    this.tree = new StateTree(this.treeNodes);
    const ledgerSize = this.metaU64('ledger_size') ?? 0n;
    this.ledger = new LedgerAccumulator(
      keyValueLedgerNodeStore((k) => db.getRaw(k)),
      ledgerSize,
    );
    this.lastHeight = this.metaU64('last_height') ?? 0n;
    this.lastAppHash = db.getMeta('last_app_hash') ?? new Uint8Array();
    this.chainIdValue = dec.decode(db.getMeta('chain_id') ?? new Uint8Array());
    const cp = db.getMeta('consensus_params');
    this.consensusParams = cp ? JSON.parse(dec.decode(cp)) : DEFAULT_CONSENSUS_PARAMS;
    this.checkState = new BranchStore(this.committedState, { readCache: this.committedReads });
  }

  addParticipant(p: CommitParticipant): void {
    this.participants.push(p);
  }

  setMinGasPrices(prices: DecCoin[]): void {
    this.minGasPrices = prices;
  }

  get chainId(): string {
    return this.chainIdValue;
  }
  get height(): bigint {
    return this.lastHeight;
  }
  get appHash(): Uint8Array {
    return this.lastAppHash;
  }
  get ledgerSize(): bigint {
    return this.ledger.committedSize;
  }
  get params(): ConsensusParamsJson {
    return this.consensusParams;
  }
  get initialized(): boolean {
    return this.chainIdValue !== '';
  }

  private metaU64(name: string): bigint | undefined {
    const b = this.db.getMeta(name);
    return b ? readU64be(b) : undefined;
  }

  // ---------------------------------------------------------------- ABCI: info / init

  info(): ResponseInfo {
    return {
      data: 'vivian',
      version: APP_VERSION,
      appVersion: 0n,
      lastBlockHeight: this.lastHeight,
      lastBlockAppHash: this.lastAppHash,
    };
  }

  /** Applies genesis and commits it as the state before the first block (idempotent: a restart before block 1 re-calls it). */
  initChain(req: RequestInitChain): ResponseInitChain {
    if (this.initialized) {
      if (req.chainId !== this.chainIdValue) {
        throw SdkErrors.InvalidChainId(`this node's state is for chain ${this.chainIdValue}, not ${req.chainId}`);
      }
      return { validators: req.validators, appHash: this.lastAppHash };
    }
    let appState: Record<string, unknown> = {};
    if (req.appStateBytes.length > 0) {
      try {
        appState = JSON.parse(dec.decode(req.appStateBytes));
      } catch (e) {
        throw SdkErrors.InvalidRequest(`genesis app_state is not valid JSON: ${(e as Error).message}`);
      }
    }
    const branch = new BranchStore(this.committedState);
    const ctx: Context = {
      store: branch,
      gas: infiniteGasMeter(),
      events: new EventManager(),
      block: { chainId: req.chainId, height: req.initialHeight - 1n, timeNs: timestampNs(req.time) },
      mode: 'deliver',
    };
    for (const m of this.modules) m.initGenesis(ctx, appState[m.name]);
    const genesisHeight = req.initialHeight - 1n;
    const changes = branch.changes();
    const tree = this.tree.applyBatch(null, genesisHeight, toTreeChanges(changes));
    const roots = this.rootsFor(tree.root);
    const params = req.consensusParams ? consensusParamsToJson(req.consensusParams) : DEFAULT_CONSENSUS_PARAMS;
    this.db.commit((batch) => {
      this.stageState(batch, genesisHeight, changes, tree);
      batch.put(Bucket.Roots, u64be(genesisHeight), encodeRoots(roots));
      putMeta(batch, 'chain_id', enc.encode(req.chainId));
      putMeta(batch, 'initial_height', u64be(req.initialHeight));
      putMeta(batch, 'consensus_params', enc.encode(JSON.stringify(params)));
      putMeta(batch, 'last_height', u64be(genesisHeight));
      putMeta(batch, 'last_app_hash', roots.appHash);
      putMeta(batch, 'ledger_size', u64be(0n));
    });
    this.chainIdValue = req.chainId;
    this.consensusParams = params;
    this.lastHeight = genesisHeight;
    this.lastAppHash = roots.appHash;
    this.committedReads.clear();
    this.checkState = new BranchStore(this.committedState, { readCache: this.committedReads });
    return { validators: req.validators, appHash: roots.appHash };
  }

  // ---------------------------------------------------------------- ABCI: mempool

  /** CheckTx with the details the in-process mempool uses (priority, sender, sequence gap). */
  checkTxDetailed(tx: Uint8Array, recheck = false): TxOutcome {
    // a check before the mempool rebased would be lost by the rebase: the mempool then re-checks everything
    if (!recheck) this.replacedCheckState = null;
    const block: BlockInfo = { chainId: this.chainIdValue, height: this.lastHeight + 1n, timeNs: 0n };
    const { outcome, anteBranch } = runTx(this.txDeps(), this.checkState, tx, block, recheck ? 'recheck' : 'check', {
      minGasPrices: this.minGasPrices,
      sigCache: this.sigCache,
    });
    // CheckTx keeps only the ante's effects (fee, sequence): messages are not run against check state
    if (outcome.result.code === 0 && anteBranch) {
      outcome.checkAccess = anteBranch.accessedKeys();
      anteBranch.write();
    }
    return outcome;
  }

  /** CheckTx that keeps nothing (the RPC's check_tx): the ante runs on a branch of the check state that is dropped. */
  checkTxDryRun(tx: Uint8Array): TxOutcome {
    const block: BlockInfo = { chainId: this.chainIdValue, height: this.lastHeight + 1n, timeNs: 0n };
    return runTx(this.txDeps(), this.checkState, tx, block, 'check', { minGasPrices: this.minGasPrices, sigCache: this.sigCache }).outcome;
  }

  checkTx(req: RequestCheckTx): ResponseCheckTx {
    const { result } = this.checkTxDetailed(req.tx, req.type === CheckTxType.RECHECK);
    return { code: result.code, data: result.data, log: result.log, info: '', gasWanted: result.gasWanted, gasUsed: result.gasUsed, events: result.events, codespace: result.codespace };
  }

  /** The signatures CheckTx would verify for this tx and has not yet (for verification off the main thread). */
  pendingSignatures(tx: Uint8Array): PendingSignature[] {
    return pendingSignatures({ router: this.msgs, auth: this.auth, sigCache: this.sigCache, maxTxBytes: this.maxTxBytes }, this.checkState, this.chainIdValue, tx);
  }

  /** The dimension of tx embeddings in the check state (undefined without an embedding module), for computing them ahead. */
  embeddingDimension(): number | undefined {
    return this.embedder?.embeddingDimension?.(this.checkState);
  }

  /** Records signatures found valid elsewhere (a VerifierPool), so CheckTx and DeliverTx skip them. */
  markVerified(sigs: readonly PendingSignature[]): void {
    for (const s of sigs) this.sigCache.add(s.pubKeyValue, s.message, s.signature);
  }

  /** The ledger version of a committed tx, found by hash (a direct get). */
  committedVersion(hash: Uint8Array): bigint | undefined {
    const v = this.db.get(Bucket.TxByHash, hash);
    return v ? readU64be(v) : undefined;
  }

  /** Starts a fresh check state from the committed state (after a commit, before re-checking the mempool). */
  resetCheckState(): void {
    this.checkState = new BranchStore(this.committedState, { readCache: this.committedReads });
    this.replacedCheckState = null;
  }

  /** The state keys (keyString form) the last commit changed, while the check state it replaced is kept. */
  lastCommitChangedKeys(): ReadonlySet<string> | undefined {
    return this.replacedCheckState?.changedKeys;
  }

  /**
   * A fresh check state over the committed state that keeps the replaced check state's writes of `keys`: the
   * effects of pending txs whose checks read and wrote nothing the commit changed, so they need no re-check.
   */
  rebaseCheckState(keys: Iterable<string>): void {
    const replaced = this.replacedCheckState;
    this.resetCheckState();
    if (replaced) this.checkState.carryWrites(replaced.state, keys);
  }

  // ---------------------------------------------------------------- ABCI: proposals

  /** Takes txs in the order given (the mempool's priority order) while they fit the block's byte and gas limits. */
  prepareProposal(req: RequestPrepareProposal): ResponsePrepareProposal {
    const maxBytes = Number(req.maxTxBytes);
    const maxGas = BigInt(this.consensusParams.block.max_gas);
    const txs: Uint8Array[] = [];
    let bytes = 0;
    let gas = 0n;
    for (const tx of req.txs) {
      let gasLimit: bigint;
      try {
        gasLimit = BigInt(decodeTx(tx, this.maxTxBytes).gasLimit);
      } catch {
        continue; // undecodable: never propose it
      }
      if (bytes + tx.length > maxBytes) continue;
      if (maxGas > 0n && gas + gasLimit > maxGas) continue;
      bytes += tx.length;
      gas += gasLimit;
      txs.push(tx);
    }
    return { txs };
  }

  /** Refuses a block a correct proposer would not have built: undecodable txs or limits exceeded. */
  processProposal(req: RequestProcessProposal): ResponseProcessProposal {
    const maxBytes = BigInt(this.consensusParams.block.max_bytes);
    const maxGas = BigInt(this.consensusParams.block.max_gas);
    let bytes = 0n;
    let gas = 0n;
    for (const tx of req.txs) {
      try {
        gas += BigInt(decodeTx(tx, this.maxTxBytes).gasLimit);
      } catch {
        return { status: ResponseProcessProposal_ProposalStatus.REJECT };
      }
      bytes += BigInt(tx.length);
    }
    const ok = bytes <= maxBytes && (maxGas < 0n || gas <= maxGas);
    return { status: ok ? ResponseProcessProposal_ProposalStatus.ACCEPT : ResponseProcessProposal_ProposalStatus.REJECT };
  }

  // ---------------------------------------------------------------- ABCI: execution

  /** Executes a decided block without persisting anything; `commit` makes it durable. */
  finalizeBlock(req: RequestFinalizeBlock): ResponseFinalizeBlock {
    if (req.height !== this.lastHeight + 1n) {
      throw SdkErrors.InvalidHeight(`finalize block ${req.height}: the last committed height is ${this.lastHeight}`);
    }
    this.ledger.rollback(); // a block finalized but never committed (e.g. a round change) leaves nothing behind
    const block: BlockInfo = { chainId: this.chainIdValue, height: req.height, timeNs: timestampNs(req.time) };
    const blockState = new BranchStore(this.committedState, { readCache: this.committedReads });
    const firstVersion = this.ledger.committedSize;
    const txs: CommittedTx[] = [];
    try {
      req.txs.forEach((bytes, index) => {
        const { outcome, anteBranch } = runTx(this.txDeps(), blockState, bytes, block, 'deliver', { minGasPrices: [], sigCache: this.sigCache });
        anteBranch?.write();
        const result = outcome.result;
        const hash = outcome.tx?.hash ?? txHash(bytes);
        const embedding = this.embedder?.embedTx!(blockState, outcome.tx);
        const encoded = encodeTxResult(result);
        const txInfo: TxInfo = {
          txHash: hash,
          height: req.height,
          index,
          code: result.code,
          codespace: result.codespace,
          gasWanted: result.gasWanted,
          gasUsed: result.gasUsed,
          eventsHash: encoded.eventsHash,
          embeddingHash: embedding ? embeddingHash(embedding) : new Uint8Array(),
          dataHash: result.data.length > 0 ? sha256(result.data) : new Uint8Array(),
        };
        const leafData = encodeTxInfo(txInfo);
        const version = this.ledger.append(leafHash(leafData));
        txs.push({ version, index, hash, bytes, result, resultBytes: encoded.bytes, txInfo, leafData, tx: outcome.tx, signers: outcome.signers, embedding });
      });
      const stateChanges = blockState.changes();
      const tree = this.tree.applyBatch(this.lastHeight, req.height, toTreeChanges(stateChanges));
      const roots = this.rootsFor(tree.root);
      const validatorUpdates: ValidatorUpdate[] = [];
      // built directly: fromPartial would deep-copy every tx result and its events
      const response: ResponseFinalizeBlock = {
        events: [],
        txResults: txs.map((t) => t.result),
        validatorUpdates,
        consensusParamUpdates: undefined,
        appHash: roots.appHash,
      };
      this.pending = {
        block: { height: req.height, timeNs: block.timeNs, txs, appHash: roots.appHash, roots, events: [], changedKeys: stateChanges.map(([k]) => k) },
        stateChanges,
        tree,
        firstVersion,
        response,
      };
      return response;
    } catch (e) {
      this.ledger.rollback();
      this.pending = null;
      throw e;
    }
  }

  /** Persists the finalized block in one LMDB write transaction, then resets the check state. */
  commit(): ResponseCommit {
    const p = this.pending;
    if (!p) throw SdkErrors.Logic('commit called without a finalized block');
    const { block } = p;
    try {
      this.db.commit((batch) => {
        this.stageState(batch, block.height, p.stateChanges, p.tree);
        for (const n of this.ledger.pendingNodes()) {
          batch.put(Bucket.LedgerNode, ledgerNodeKey(n.level, n.index).subarray(1), n.hash);
        }
        for (const t of block.txs) {
          const v = u64be(t.version);
          batch.put(Bucket.LedgerEntry, v, encodeLedgerEntry(t.leafData, t.bytes, t.resultBytes, t.embedding && vectorBytes(t.embedding)));
          // a tx hash seen twice (the same bytes in two blocks) keeps its first version
          batch.putIfAbsent(Bucket.TxByHash, t.hash, v);
        }
        batch.put(Bucket.BlockResults, u64be(block.height), encodeBlockResults(p.firstVersion, block.txs.length, p.response));
        batch.put(Bucket.Roots, u64be(block.height), encodeRoots(block.roots));
        putMeta(batch, 'last_height', u64be(block.height));
        putMeta(batch, 'last_app_hash', block.appHash);
        putMeta(batch, 'ledger_size', u64be(block.roots.ledgerSize));
        for (const part of this.participants) part.stage?.(batch, block);
      });
    } catch (e) {
      this.ledger.rollback();
      this.pending = null;
      throw e;
    } finally {
      // the committed state changed (or a failed write read half of it): every cached read is stale
      this.committedReads.clear();
    }
    this.ledger.markCommitted();
    this.treeNodes.remember(p.tree.newNodes);
    this.lastHeight = block.height;
    this.lastAppHash = block.appHash;
    this.pending = null;
    this.lastCommittedBlock = block;
    const replaced = this.checkState;
    this.resetCheckState();
    this.replacedCheckState = { state: replaced, changedKeys: new Set(block.changedKeys.map(keyString)) };
    for (const part of this.participants) part.afterCommit?.(block);
    return { retainHeight: 0n };
  }

  // ---------------------------------------------------------------- ABCI: queries

  /** The oldest height whose state can still be read: genesis, or the pruning boundary (chain/store/pruning.ts). */
  earliestStateHeight(): bigint {
    return this.metaU64('earliest_state_height') ?? (this.metaU64('initial_height') ?? 1n) - 1n;
  }

  query(req: RequestQuery): ResponseQuery {
    const base = { index: 0n, key: new Uint8Array(), value: new Uint8Array(), info: '', log: '', code: 0, codespace: '' };
    try {
      const height = req.height === 0n ? this.lastHeight : req.height;
      if (height > this.lastHeight) {
        throw SdkErrors.InvalidHeight(`cannot query with height in the future (${height}); the latest height is ${this.lastHeight}`);
      }
      if (height < 0n) throw SdkErrors.InvalidHeight(`height ${height} must be non-negative`);
      const earliest = this.earliestStateHeight();
      if (height < earliest) throw SdkErrors.InvalidHeight(`height ${height} is pruned or before genesis; the earliest queryable height is ${earliest}`);
      const handler = this.queries.get(req.path);
      if (!handler) throw SdkErrors.UnknownRequest(`unknown query path ${req.path}`);
      const store = height === this.lastHeight ? this.committedState : new HistoricalState(this.db, height);
      const value = handler({ store, height, chainId: this.chainIdValue }, req.data);
      return { ...base, value, height };
    } catch (e) {
      const { code, codespace, log } = errorResult(e);
      return { ...base, code, codespace, log, height: this.lastHeight };
    }
  }

  /**
   * A state key's value after block `height` (default: the latest) with an existence or non-existence proof
   * against that height's state root, and the roots its app hash commits to (app hash of header height + 1).
   */
  stateProof(key: Uint8Array, height: bigint = this.lastHeight): { height: bigint; value: Uint8Array | undefined; proof: StateProof; roots: Roots } {
    const earliest = this.earliestStateHeight();
    if (height > this.lastHeight || height < earliest) {
      throw SdkErrors.InvalidHeight(`no state at height ${height}: committed heights are ${earliest}..${this.lastHeight}`);
    }
    const roots = new ChainReader(this.db).roots(height);
    if (!roots) throw SdkErrors.NotFound(`roots of height ${height}`);
    const store = height === this.lastHeight ? this.committedState : new HistoricalState(this.db, height);
    return { height, value: store.get(key), proof: this.tree.getProof(height, sha256(key)), roots };
  }

  /** Runs a tx against the latest committed state without signatures and without keeping anything. */
  simulate(txBytes: Uint8Array): TxOutcome {
    const block: BlockInfo = { chainId: this.chainIdValue, height: this.lastHeight + 1n, timeNs: 0n };
    return runTx(this.txDeps(), this.committedState, txBytes, block, 'simulate', { minGasPrices: [] }).outcome;
  }

  /** A committed tx's decoded form and signers, as DeliverTx derived them (for indexes rebuilt from the store). */
  decodeCommittedTx(txBytes: Uint8Array): { tx?: DecodedTx; signers: string[] } {
    return decodeCommittedTx(this.txDeps(), txBytes);
  }

  // ---------------------------------------------------------------- internals

  private get maxTxBytes(): number {
    return Math.min(Number(this.consensusParams.block.max_bytes), 4 * 1024 * 1024);
  }

  private txDeps() {
    return { router: this.msgs, auth: this.auth, bank: this.bank, maxTxBytes: this.maxTxBytes, txChecks: this.txChecks };
  }

  private rootsFor(stateRoot: Uint8Array): Roots {
    const ledgerSize = this.ledger.size;
    const ledgerRoot = this.ledger.root();
    return { ledgerSize, ledgerRoot, stateRoot, appHash: appHash(stateRoot, ledgerRoot, ledgerSize) };
  }

  private stageState(batch: WriteBatch, height: bigint, changes: Array<[Uint8Array, Uint8Array | null]>, tree: TreeBatchResult): void {
    for (const [k, v] of changes) {
      if (v === null) batch.del(Bucket.State, k);
      else batch.put(Bucket.State, k, v);
    }
    writeHistory(batch, height, changes);
    for (const [k, node] of tree.newNodes) batch.put(Bucket.StateTreeNode, k, node);
    if (tree.staleNodes.length > 0) batch.put(Bucket.StateTreeStale, u64be(height), encodeKeyList(tree.staleNodes));
  }

  private registerServiceQueries(): void {
    // a raw state key's value (empty when absent); with prove=true the RPC adds the state proof (stateProof)
    this.queries.register('/store/key', (ctx, req) => ctx.store.get(req) ?? new Uint8Array());
    // the tx at a ledger version, as JSON (what `vivian query ledger` shows); data = decimal version
    this.queries.register('/vivian/ledger/tx', (_ctx, req) => {
      const text = dec.decode(req);
      if (!/^[0-9]{1,20}$/.test(text)) throw SdkErrors.InvalidRequest(`ledger version must be a non-negative integer, got ${JSON.stringify(text)}`);
      const version = BigInt(text);
      const t = new ChainReader(this.db).txByVersion(version);
      if (!t) throw SdkErrors.NotFound(`ledger version ${version} (the ledger has ${this.ledgerSize} txs)`);
      return enc.encode(JSON.stringify(ledgerTxJson(t)));
    });
    this.queries.register('/cosmos.tx.v1beta1.Service/Simulate', (_ctx, req) => {
      const r = SimulateRequest.decode(req);
      if (r.txBytes.length === 0) throw SdkErrors.InvalidRequest('simulate needs tx_bytes');
      const out = this.simulate(r.txBytes);
      if (out.result.code !== 0) {
        // the tx's own error, unchanged (errorResult would turn a plain Error into an internal error)
        throw new VivianError(out.result.codespace, out.result.code, out.result.log);
      }
      return SimulateResponse.encode({
        gasInfo: { gasWanted: out.result.gasWanted, gasUsed: out.result.gasUsed },
        result: { data: new Uint8Array(), log: '', events: out.result.events, msgResponses: out.msgResponses },
      }).finish();
    });
  }
}

// ---------------------------------------------------------------- helpers

function toTreeChanges(changes: Array<[Uint8Array, Uint8Array | null]>) {
  return changes.map(([k, v]) => ({ keyHash: sha256(k), valueHash: v === null ? null : sha256(v) }));
}

function putMeta(batch: WriteBatch, name: string, value: Uint8Array): void {
  batch.put(Bucket.Meta, enc.encode(name), value);
}

export function timestampNs(t: { seconds: bigint; nanos: number } | undefined): bigint {
  if (!t) return 0n;
  return t.seconds * 1_000_000_000n + BigInt(t.nanos);
}

/** BlockResults row: uint64be(first version) ++ uint32be(tx count) ++ ResponseFinalizeBlock without tx results. */
function encodeBlockResults(firstVersion: bigint, txCount: number, res: ResponseFinalizeBlock): Uint8Array {
  const body = ResponseFinalizeBlock.encode({ ...res, txResults: [] }).finish();
  const out = new Uint8Array(12 + body.length);
  out.set(u64be(firstVersion), 0);
  new DataView(out.buffer).setUint32(8, txCount);
  out.set(body, 12);
  return out;
}

export function decodeBlockResults(b: Uint8Array): { firstVersion: bigint; txCount: number; response: ResponseFinalizeBlock } {
  return {
    firstVersion: readU64be(b, 0),
    txCount: new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(8),
    response: ResponseFinalizeBlock.decode(b.subarray(12)),
  };
}

function consensusParamsToJson(p: NonNullable<RequestInitChain['consensusParams']>): ConsensusParamsJson {
  const d = DEFAULT_CONSENSUS_PARAMS;
  return {
    block: {
      max_bytes: (p.block?.maxBytes ?? BigInt(d.block.max_bytes)).toString(),
      max_gas: (p.block?.maxGas ?? BigInt(d.block.max_gas)).toString(),
    },
    evidence: d.evidence,
    validator: { pub_key_types: p.validator?.pubKeyTypes ?? d.validator.pub_key_types },
    version: { app: (p.version?.app ?? 0n).toString() },
    abci: d.abci,
  };
}
