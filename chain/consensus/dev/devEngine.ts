import type { Timestamp } from 'cosmjs-types/google/protobuf/timestamp';
import { SignedMsgType, type BlockID, type Commit, type Vote } from 'cosmjs-types/tendermint/types/types';
import { ResponseProcessProposal_ProposalStatus, type ExecTxResult } from 'cosmjs-types/tendermint/abci/types';
import { encodeTxInfo } from '../../ledger/txInfo.js';
import type { CommittedBlock, VivianApp } from '../../app/application.js';
import { signEd25519 } from '../../crypto/ed25519.js';
import type { Mempool } from '../../mempool/mempool.js';
import type { EventBus } from '../../node/eventBus.js';
import type { ChainReader } from '../../store/chainReader.js';
import { consensusParamsHash, makeBlock, resultsHash } from '../block.js';
import type { BlockStore } from '../blockStore.js';
import { nilBlockId } from '../types/blockId.js';
import { voteSignBytes } from '../types/canonical.js';
import { makeCommit } from '../types/commit.js';
import type { ValidatorSet } from '../types/validatorSet.js';

export interface DevValidator {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
  address: Uint8Array;
}

export interface DevEngineOptions {
  /** ms between blocks; 0 = a block as soon as txs are pending */
  blockTimeMs: number;
  /** genesis time: the first block is never earlier */
  genesisTimeMs: number;
}

/** Nanosecond timestamps: block times only ever increase. */
function toTimestamp(ns: bigint): Timestamp {
  return { seconds: ns / 1_000_000_000n, nanos: Number(ns % 1_000_000_000n) };
}
function timestampNs(t: Timestamp): bigint {
  return t.seconds * 1_000_000_000n + BigInt(t.nanos);
}

/**
 * The one-validator engine behind `vivian dev`: proposes, checks, finalizes and commits a block through the
 * same ABCI-shaped app interface the BFT engine uses, signs a CometBFT precommit with the validator key and
 * stores block + commit with the app's state in one transaction.
 */
export class DevEngine {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private producing = false;
  private wakeScheduled = false;
  private readonly waiters: Array<{ height: bigint; resolve: () => void }> = [];
  private lastResults: { height: bigint; results: ExecTxResult[] } | null = null;

  constructor(
    private readonly deps: {
      app: VivianApp;
      mempool: Mempool;
      blockStore: BlockStore;
      reader: ChainReader;
      eventBus: EventBus;
      validator: DevValidator;
      validators: ValidatorSet;
    },
    private readonly opts: DevEngineOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    if (this.opts.blockTimeMs > 0) this.schedule(this.opts.blockTimeMs);
    else {
      this.deps.mempool.onReady(() => this.wake());
      if (this.deps.mempool.size > 0) this.wake();
    }
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Resolves once `height` is committed. */
  waitForHeight(height: bigint): Promise<void> {
    if (this.deps.app.height >= height) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ height, resolve }));
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      const started = Date.now();
      this.tick();
      if (this.running) this.schedule(Math.max(0, this.opts.blockTimeMs - (Date.now() - started)));
    }, ms);
  }

  private wake(): void {
    if (!this.running || this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      while (this.running && this.deps.mempool.size > 0) this.tick();
    });
  }

  private tick(): void {
    try {
      this.produceBlock();
    } catch (e) {
      // a block that cannot be produced leaves nothing behind (the app rolls back); report and try next tick
      console.error(`block production failed: ${(e as Error).stack ?? e}`);
    }
  }

  /** Produces, executes and commits one block; returns what was committed. */
  produceBlock(): CommittedBlock {
    if (this.producing) throw new Error('a block is already being produced');
    this.producing = true;
    try {
      return this.produce();
    } finally {
      this.producing = false;
    }
  }

  private produce(): CommittedBlock {
    const { app, mempool, blockStore, reader, validator, validators } = this.deps;
    const height = app.height + 1n;
    const params = app.params;
    const maxBytes = Number(params.block.max_bytes);
    const maxGas = BigInt(params.block.max_gas);

    const prevHeight = height - 1n;
    const prevBlock = reader.block(prevHeight);
    const prevTimeNs = prevBlock ? timestampNs(prevBlock.header!.time) : BigInt(this.opts.genesisTimeMs) * 1_000_000n - 1n;
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const time = toTimestamp(nowNs > prevTimeNs ? nowNs : prevTimeNs + 1n);

    const candidates = mempool.reap(maxBytes, maxGas);
    const proposerAddress = validator.address;
    const nextValidatorsHash = validators.hash();
    const { txs } = app.prepareProposal({
      maxTxBytes: BigInt(maxBytes),
      txs: candidates,
      localLastCommit: { round: 0, votes: [] },
      misbehavior: [],
      height,
      time,
      nextValidatorsHash,
      proposerAddress,
    });

    const lastCommit = prevBlock ? reader.seenCommit(prevHeight) : undefined;
    const lastBlockId: BlockID = lastCommit ? lastCommit.blockId : nilBlockId();
    // the previous block's results: kept from its commit, read back only after a restart
    const prevResults =
      this.lastResults?.height === prevHeight ? this.lastResults.results : prevBlock ? reader.blockTxs(prevHeight).map((t) => t.result) : [];
    const { block, blockId } = makeBlock({
      chainId: app.chainId,
      height,
      time,
      lastBlockId,
      lastCommit,
      txs,
      validatorsHash: validators.hash(),
      nextValidatorsHash,
      consensusHash: consensusParamsHash(BigInt(params.block.max_bytes), maxGas),
      appHash: app.appHash,
      lastResultsHash: resultsHash(prevResults),
      proposerAddress,
      appVersion: BigInt(params.version.app),
    });

    const decidedLastCommit = {
      round: lastCommit?.round ?? 0,
      votes: lastCommit
        ? lastCommit.signatures.map((s, i) => ({
            validator: { address: s.validatorAddress, power: validators.getByIndex(i)?.votingPower ?? 0n },
            blockIdFlag: s.blockIdFlag,
          }))
        : [],
    };
    // ProcessProposal and FinalizeBlock see the same decided block
    const decided = { txs, misbehavior: [], hash: blockId.hash, height, time, nextValidatorsHash, proposerAddress };
    const check = app.processProposal({ ...decided, proposedLastCommit: decidedLastCommit });
    if (check.status !== ResponseProcessProposal_ProposalStatus.ACCEPT) {
      throw new Error(`the app refused its own proposal at height ${height}`);
    }
    app.finalizeBlock({ ...decided, decidedLastCommit });

    const commit = this.signCommit(height, blockId, time);
    blockStore.setDecided(block, blockId, commit);
    app.commit();
    const committed = app.lastCommittedBlock!;
    mempool.update(committed.txs.map((t) => t.hash));
    const finalize = reader.blockResults(height)!.response;
    this.lastResults = { height, results: committed.txs.map((t) => t.result) };
    this.deps.eventBus.publishBlock(
      { block, blockId, finalize },
      committed.txs.map((t) => ({ version: t.version, hash: t.hash, height, index: t.index, tx: t.bytes, result: t.result, leafData: encodeTxInfo(t.txInfo), info: t.txInfo })),
    );
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i]!.height <= height) {
        this.waiters[i]!.resolve();
        this.waiters.splice(i, 1);
      }
    }
    return committed;
  }

  private signCommit(height: bigint, blockId: BlockID, time: Timestamp): Commit {
    const { app, validator, validators } = this.deps;
    const found = validators.getByAddress(validator.address);
    if (!found) throw new Error('this node is not a validator of the chain');
    const vote: Vote = {
      type: SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT,
      height,
      round: 0,
      blockId,
      timestamp: time,
      validatorAddress: validator.address,
      validatorIndex: found.index,
      signature: new Uint8Array(),
      extension: new Uint8Array(),
      extensionSignature: new Uint8Array(),
    };
    vote.signature = signEd25519(validator.privateKey, voteSignBytes(app.chainId, vote));
    const byIndex: Array<Vote | undefined> = [];
    byIndex[found.index] = vote;
    for (let i = 0; i < validators.validators.length; i++) if (i !== found.index) byIndex[i] = undefined;
    return makeCommit(height, 0, blockId, byIndex);
  }
}
