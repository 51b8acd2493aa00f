import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { VivianApp } from '../app/application.js';
import type { GenesisDoc } from '../app/genesis.js';
import type { ConsensusEngine } from '../consensus/engine/engine.js';
import { BftService, SoloService, usesP2p } from '../consensus/engine/service.js';
import { makeValidator } from '../consensus/types/validator.js';
import { ValidatorSet } from '../consensus/types/validatorSet.js';
import { blockIndexRows, TxIndexer } from '../indexer/txIndexer.js';
import { catchUpTxIndex, markTxIndexOff, type TxIndexRow } from '../indexer/txIndexSetting.js';
import { reindexRetiredEventRows } from '../indexer/reindex.js';
import { StatePruner } from '../store/pruning.js';
import { Mempool, type AddResult } from '../mempool/mempool.js';
import { TxVectorIndex, vectorFilterRows, VectorKeeper, vectorModule } from '../modules/vector/index.js';
import { WasmKeeper, wasmModule } from '../modules/wasm/index.js';
import { Bucket } from '../store/buckets.js';
import { ChainReader } from '../store/chainReader.js';
import { NodeDb } from '../store/nodeDb.js';
import { parseDecCoins } from '../types/coins.js';
import { homePaths, type NodeConfig } from './config.js';
import { EventBus } from './eventBus.js';
import { TxPreVerifier } from './txPreVerifier.js';
import { defaultVerifyThreads, VerifierPool } from '../crypto/verifierPool.js';
import { readGenesis, readKeyFile, type Ed25519Key } from './home.js';

/**
 * The composition root: opens the store, builds the app, mempool, engine and indexes from a node home and
 * its config, applies genesis on first start, and starts/stops them. The API servers receive this object.
 */
export class VivianNode {
  readonly eventBus = new EventBus();
  readonly reader: ChainReader;
  readonly mempool: Mempool;
  /** the BFT engine (alone or with peers); `produceBlock()` commits a block at once for a validator alone */
  readonly engine: ConsensusEngine;
  /** p2p around the engine, when the genesis has several validators or the config names peers */
  readonly bft: BftService | null;
  /** the engine by itself, for a validator alone (no p2p listener) */
  private readonly solo: SoloService | null;
  /** where consensus and p2p log lines go (the CLI prints them) */
  onLog: (line: string) => void = () => {};
  readonly validators: ValidatorSet;
  /** the node-local ANN index over committed tx embeddings (REST vector search); null with tx_index "null" */
  readonly vectors: TxVectorIndex | null;
  private closed = false;
  /** made on the first submitTx: nodes that never take txs from clients start no worker threads */
  private preVerifier: TxPreVerifier | null | undefined;

  private constructor(
    readonly config: NodeConfig,
    readonly home: string,
    readonly genesis: GenesisDoc,
    readonly db: NodeDb,
    readonly app: VivianApp,
    readonly validatorKey: Ed25519Key,
    readonly nodeKey: Ed25519Key,
  ) {
    this.reader = new ChainReader(db);
    this.validators = ValidatorSet.create(
      genesis.validators.map((v) => makeValidator(new Uint8Array(Buffer.from(v.pub_key.value, 'base64')), BigInt(v.power))),
    );
    reindexRetiredEventRows(db, this.reader, (line) => console.error(line)); // before any log handler is attached
    if (config.pruning_keep_recent > 0) app.addParticipant(new StatePruner(db, this.reader, BigInt(config.pruning_keep_recent)));
    this.vectors = null;
    if (config.tx_index === 'null') {
      const next = this.reader.latestHeight() + 1n; // 1 before the first block, whatever the initial height
      const initial = this.reader.initialHeight();
      markTxIndexOff(db, next > initial ? next : initial);
    } else {
      catchUpTxIndex(db, this.reader.latestHeight(), (height) => this.txIndexRows(height), (line) => console.error(line));
      app.addParticipant(new TxIndexer());
      const dimension = new VectorKeeper().getParams(db.bucketReader(Bucket.State)).dimension;
      // efConstruction 64 (the library's default is 100): every committed tx is inserted, on every node, while searches
      // are occasional. At 100k vectors it builds 1.7x cheaper (22,108 vs 13,120 inserts per CPU-s) and still finds
      // recall@10 0.959 at ef 48 (0.961 at ef 24 with 100), so the default ef 64 stays above 0.95. A saved graph keeps
      // the parameters it was built with (and is caught up from the store when it lacks versions).
      this.vectors = TxVectorIndex.open(db, { dimension, efConstruction: 64, path: join(homePaths(home).data, 'vector.index'), log: (line) => this.onLog(line) });
      app.addParticipant(this.vectors);
    }
    this.mempool = new Mempool(app, { maxTxs: config.mempool_max_txs, maxBytes: config.mempool_max_bytes });
    const parts = {
      app,
      mempool: this.mempool,
      reader: this.reader,
      eventBus: this.eventBus,
      genesis,
      config,
      dataDir: homePaths(home).data,
      addrBookFile: homePaths(home).addrBook,
      // gossiped txs, like clients', are verified on the worker threads before CheckTx
      preVerifyTx: (tx: Uint8Array) => this.txPreVerifier()?.preVerify(tx) ?? Promise.resolve(),
      validatorKey,
      nodeKey,
      log: (line: string) => this.onLog(line),
    };
    this.bft = usesP2p(genesis, config) ? new BftService(parts) : null;
    this.solo = this.bft === null ? new SoloService(parts) : null;
    this.engine = (this.bft ?? this.solo)!.engine;
  }

  /** Opens a node home (initialised by `vivian init` or `vivian dev`); applies genesis if the store is new. */
  static open(home: string, config: NodeConfig): VivianNode {
    const paths = homePaths(home);
    const genesis = readGenesis(home);
    mkdirSync(paths.data, { recursive: true });
    const db = NodeDb.open(join(paths.data, 'vivian.lmdb'), { noSync: config.no_sync });
    try {
      const app = new VivianApp(db, { minGasPrices: parseDecCoins(config.min_gas_price), modules: (auth, bank) => [vectorModule(), wasmModule(new WasmKeeper(auth, bank))] });
      if (app.initialized && app.chainId !== genesis.chain_id) {
        throw new Error(`the data in ${paths.data} belongs to chain ${app.chainId}, but the genesis is for ${genesis.chain_id}`);
      }
      if (!app.initialized) {
        const t = Date.parse(genesis.genesis_time);
        app.initChain({
          time: { seconds: BigInt(Math.floor(t / 1000)), nanos: (t % 1000) * 1_000_000 },
          chainId: genesis.chain_id,
          consensusParams: {
            block: { maxBytes: BigInt(genesis.consensus_params.block.max_bytes), maxGas: BigInt(genesis.consensus_params.block.max_gas) },
            version: { app: BigInt(genesis.consensus_params.version.app) },
            validator: { pubKeyTypes: genesis.consensus_params.validator.pub_key_types },
          },
          validators: [],
          appStateBytes: new TextEncoder().encode(JSON.stringify(genesis.app_state)),
          initialHeight: BigInt(genesis.initial_height),
        });
      }
      return new VivianNode(config, home, genesis, db, app, readKeyFile(paths.validatorKey), readKeyFile(paths.nodeKey));
    } catch (e) {
      void db.close();
      throw e;
    }
  }

  /**
   * What the indexes hold of one committed height, derived from the stored txs and results as at commit. Event
   * rows are pruned with the height's state (chain/store/pruning.ts); the vector filters cover the whole ledger.
   */
  private txIndexRows(height: bigint): TxIndexRow[] {
    const txs = this.reader.blockTxs(height);
    const rows: TxIndexRow[] = height > this.app.earliestStateHeight() ? blockIndexRows(height, txs) : [];
    const filtered = txs.map((t) => ({ version: t.version, ...this.app.decodeCommittedTx(t.tx) }));
    for (const [key, value] of vectorFilterRows(height, filtered)) rows.push([Bucket.TxVectorFilter, key, value]);
    return rows;
  }

  get chainId(): string {
    return this.app.chainId;
  }

  /** Starts deciding blocks: with p2p when configured for peers, else as a validator alone. */
  async start(): Promise<void> {
    if (this.bft) return this.bft.start();
    this.solo!.start();
  }

  /** CheckTx into the mempool (what broadcast_tx_sync does). */
  broadcastTx(tx: Uint8Array): AddResult {
    const res = this.mempool.add(tx);
    if (res.result.code === 0) this.bft?.gossipTx(tx);
    return res;
  }

  /**
   * broadcastTx for txs from clients: their signatures are first verified on worker threads (config
   * verify_threads), so the main thread's CheckTx finds them in the SigCache.
   */
  async submitTx(tx: Uint8Array): Promise<AddResult> {
    await this.txPreVerifier()?.preVerify(tx);
    return this.broadcastTx(tx);
  }

  private txPreVerifier(): TxPreVerifier | null {
    if (this.preVerifier === undefined) {
      const n = this.config.verify_threads === 'auto' ? defaultVerifyThreads() : this.config.verify_threads;
      this.preVerifier = n > 0 && !this.closed ? new TxPreVerifier(this.app, new VerifierPool(n)) : null;
    }
    return this.preVerifier;
  }

  async stop(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.preVerifier?.close();
    this.solo?.stop();
    await this.bft?.stop();
    await this.vectors?.close(); // the index worker saves its file
    await this.db.close();
  }
}

export const nodeIdOf = (k: Ed25519Key) => Buffer.from(k.address).toString('hex');
