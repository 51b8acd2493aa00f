/**
 * The BFT engine: drives the pure Tendermint rules (../rules) with timers, the network, the guarded
 * signer and the app. Everything that happens — a message from a peer, a timer, our own signed message —
 * becomes an event queued and applied one at a time, so the rules never see re-entrant calls.
 *
 * Per height: startHeight -> events -> actions (sign, send, schedule, build, validate) until `decide`,
 * then FinalizeBlock + Commit in one LMDB transaction with the block and its commit, validator sets
 * advanced (app updates take effect at H+2), and the next height after `commitMs` (at once while
 * catching up). Nodes behind catch up by block sync: a committed block with its 2/3+ commit, checked,
 * is fed to the rules as a `commit` event and decided like any other.
 *
 * A validator alone (`vivian dev`, a one-validator chain) runs the same engine: it proposes and holds all
 * the power, so one pass of the rules decides a height, and `produceBlock()` does so synchronously. With
 * `waitForTxs` (CometBFT's create_empty_blocks = false) the next height starts only once txs are pending.
 */
import type { Timestamp } from 'cosmjs-types/google/protobuf/timestamp';
import type { DuplicateVoteEvidence } from 'cosmjs-types/tendermint/types/evidence';
import type { BlockID, Commit, Proposal, Vote } from 'cosmjs-types/tendermint/types/types';
import { ExtendedCommitInfo, ResponseProcessProposal_ProposalStatus } from 'cosmjs-types/tendermint/abci/types';
import type { CommittedBlock, VivianApp } from '../../app/application.js';
import type { Mempool } from '../../mempool/mempool.js';
import type { EventBus } from '../../node/eventBus.js';
import type { ChainReader } from '../../store/chainReader.js';
import { BLOCK_PART_SIZE, consensusParamsHash, resultsHash } from '../block.js';
import type { BlockStore } from '../blockStore.js';
import {
  advanceValidatorSets,
  commitFor,
  genesisValidatorSets,
  proposerFor,
  selfIndex,
  startHeight,
  step,
  validatorsFromAbciUpdates,
  type ConsensusAction,
  type ConsensusEvent,
  type ConsensusState,
  type TimeoutParams,
  type ValidatorSets,
} from '../rules/index.js';
import { blockIdKey, bytesEqual, isNilBlockId, nilBlockId, toHex } from '../types/blockId.js';
import { verifyCommit } from '../types/commit.js';
import { verifyDuplicateVoteEvidence } from '../types/evidence.js';
import type { Validator } from '../types/validator.js';
import type { ValidatorSet } from '../types/validatorSet.js';
import { makeProposal, makeVote, voteValidator, verifyProposal } from '../types/vote.js';
import type { GuardedSigner } from '../wal/signer.js';
import {
  blockEvidence,
  buildBlock,
  checkBlock,
  commitInfoOf,
  decodeBlock,
  decodeBlockFor,
  evidenceKey,
  medianTime,
  misbehaviorOf,
  splitParts,
  verifyPart,
  type BuiltBlock,
  type ChainContext,
} from './blocks.js';
import { EngineErrors } from './errors.js';
import { VerifiedSignatures } from './verifiedSignatures.js';
import type { ConsensusMessage } from './messages.js';

/** How the engine reaches peers (the p2p reactor implements it; tests can wire engines directly). */
export interface EngineNetwork {
  broadcast(message: ConsensusMessage): void;
  send(peer: string, message: ConsensusMessage): void;
}

export interface EngineDeps {
  readonly app: VivianApp;
  readonly mempool: Mempool;
  readonly blockStore: BlockStore;
  readonly reader: ChainReader;
  readonly eventBus: EventBus;
  readonly genesisValidators: readonly Validator[];
  /** Null for a full node that follows without voting. */
  readonly signer: GuardedSigner | null;
  readonly validatorAddress: Uint8Array | null;
  readonly network: EngineNetwork;
  readonly log?: (line: string) => void;
  /**
   * TEST ONLY: a byzantine validator. Given each vote this validator casts, returns a second vote for the
   * same height/round/step and another block, signed outside the WAL guard, which is sent as well.
   */
  readonly conflictingVote?: (vote: Vote) => Vote;
}

export interface EngineOptions {
  readonly timeouts: TimeoutParams;
  /** Genesis time in ms: the first block is never earlier. */
  readonly genesisTimeMs: number;
  /** How often the node tells peers its height and looks for someone to sync from. */
  readonly statusIntervalMs?: number;
  /**
   * Start a height only when the mempool holds txs (CometBFT's create_empty_blocks = false). Meant for a
   * validator alone: in a network, validators that wait would not take part in a height others started.
   */
  readonly waitForTxs?: boolean;
}

/** Timeouts for validators on one machine or a LAN: rounds grow by the deltas when the network is slower. */
export const LAN_TIMEOUTS: TimeoutParams = Object.freeze({
  proposeMs: 1000,
  proposeDeltaMs: 500,
  prevoteMs: 500,
  prevoteDeltaMs: 250,
  precommitMs: 500,
  precommitDeltaMs: 250,
  // the pause after a commit (CometBFT's timeout_commit) when the config sets none: as a localnet's (README)
  commitMs: 100,
});

/** Messages of the next height kept until we get there; beyond this they are dropped (peers resend). */
const MAX_FUTURE_MESSAGES = 10_000;
const SYNC_REQUEST_TIMEOUT_MS = 3_000;

interface PartCollector {
  readonly total: number;
  readonly parts: (Uint8Array | undefined)[];
  count: number;
  readonly blockId: BlockID;
}

export class ConsensusEngine {
  private sets: ValidatorSets;
  private cs!: ConsensusState;
  private lastCommit: Commit | undefined;
  private lastBlockId: BlockID | null = null;
  private lastBlockTimeNs: bigint;
  private lastResults: { height: bigint; hash: Uint8Array } | undefined;
  /** null while produceBlock runs, until commitBlock hands it the block it committed (nothing else keeps it) */
  private produced: CommittedBlock | null | undefined;
  private readonly blocks = new Map<string, BuiltBlock>();
  private readonly collectors = new Map<string, PartCollector>();
  private readonly awaitingBlock = new Map<string, BlockID>();
  private future: Array<{ peer: string; message: ConsensusMessage }> = [];
  private readonly inbox: ConsensusEvent[] = [];
  private processing = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private statusTimer: NodeJS.Timeout | null = null;
  private running = false;
  private readonly evidencePool = new Map<string, DuplicateVoteEvidence>();
  private readonly committedEvidence = new Set<string>();
  /** Evidence in the last committed block (a block may not commit it again). */
  private previousEvidence = new Set<string>();
  private readonly peerHeights = new Map<string, bigint>();
  private syncRequest: { peer: string; height: bigint; at: number } | null = null;
  private readonly waiters: Array<{ height: bigint; resolve: () => void }> = [];
  private replayPending = true;
  private heightAtLastTick = -1n;
  /** waitForTxs: between heights until txs arrive. */
  private idle = false;
  private wakeScheduled = false;
  private listeningForTxs = false;
  /** Votes' and proposals' signatures checked once: the next block's last commit carries the same precommits. */
  private readonly verify = new VerifiedSignatures().verify;
  /** The heights' outcomes, for status and tests. */
  lastDecision: { height: bigint; round: number } | null = null;

  constructor(
    private readonly deps: EngineDeps,
    private readonly opts: EngineOptions,
  ) {
    this.sets = this.rebuildValidatorSets();
    const h = deps.app.height;
    const prev = h > 0n ? deps.reader.block(h) : undefined;
    this.lastCommit = h > 0n ? deps.reader.seenCommit(h) : undefined;
    this.lastBlockId = this.lastCommit?.blockId ?? null;
    this.lastBlockTimeNs = prev ? tsNs(prev.header!.time) : BigInt(opts.genesisTimeMs) * 1_000_000n - 1n;
    if (prev !== undefined) this.previousEvidence = new Set(blockEvidence(prev).map(evidenceKey));
  }

  get chainId(): string {
    return this.deps.app.chainId;
  }

  /** The height being decided now. */
  get height(): bigint {
    return this.cs?.height ?? this.deps.app.height + 1n;
  }

  get round(): number {
    return this.cs?.round ?? 0;
  }

  get validatorSets(): ValidatorSets {
    return this.sets;
  }

  /**
   * True while a peer reports a committed height beyond the one this node is deciding: the node is
   * catching up by block sync rather than deciding heights with the others (RPC status catching_up).
   */
  get catchingUp(): boolean {
    const committed = this.deps.app.height;
    for (const h of this.peerHeights.values()) if (h > committed + 1n) return true;
    return false;
  }

  /** Evidence seen and not yet in a block. */
  get pendingEvidence(): DuplicateVoteEvidence[] {
    return [...this.evidencePool.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, e]) => e);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    if (this.opts.waitForTxs && !this.listeningForTxs) {
      this.listeningForTxs = true;
      this.deps.mempool.onReady(() => this.txsAvailable());
    }
    this.enterNextHeight();
    const every = this.opts.statusIntervalMs ?? 500;
    this.statusTimer = setInterval(() => this.tickStatus(), every);
  }

  stop(): void {
    this.running = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.statusTimer = null;
  }

  /** Resolves once `height` is committed. */
  waitForHeight(height: bigint): Promise<void> {
    if (this.deps.app.height >= height) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ height, resolve }));
  }

  /**
   * Decides and commits the next height now, in one synchronous pass of the rules: for a validator alone
   * (it proposes and holds all the power), started or not (tests, benchmarks, a dev chain's first block).
   * Throws when a height is already under way or the pass did not decide (other validators' votes needed).
   */
  produceBlock(): CommittedBlock {
    const { app } = this.deps;
    if (this.cs !== undefined && this.cs.height > app.height) {
      throw EngineErrors.notDecided(`height ${this.cs.height} is already being decided (round ${this.cs.round}, ${this.cs.step})`);
    }
    const before = app.height;
    const started = this.running;
    this.running = true;
    this.produced = null;
    try {
      this.idle = false;
      this.beginHeight();
    } finally {
      if (!started) {
        // not started: nothing may fire later (the next height's timer, this height's timeouts)
        this.running = false;
        for (const t of this.timers) clearTimeout(t);
        this.timers.clear();
      }
    }
    const produced = this.produced;
    this.produced = undefined;
    if (app.height !== before + 1n || !produced) throw EngineErrors.notDecided(`height ${before + 1n} needs other validators' votes`);
    return produced;
  }

  // ------------------------------------------------------------------ from peers

  /**
   * A message from `peer`. Returns true when it is new and valid and should be relayed to other peers.
   * Throws a typed error for invalid data (bad signature, wrong proposer, malformed): the caller scores
   * the peer down; nothing here has changed.
   */
  receive(peer: string, message: ConsensusMessage): boolean {
    if (!this.running) return false;
    switch (message.kind) {
      case 'status':
        this.peerHeights.set(peer, message.height);
        this.maybeSync();
        return false;
      case 'blockRequest':
        this.serveBlock(peer, message.height);
        return false;
      case 'blockResponse':
        this.receiveSyncedBlock(peer, message.block, message.commit);
        return false;
      case 'evidence':
        return this.receiveEvidence(message.evidence);
      default:
        break;
    }
    const height = messageHeight(message);
    if (height === this.cs.height + 1n) {
      if (this.future.length < MAX_FUTURE_MESSAGES) this.future.push({ peer, message });
      return false;
    }
    if (height !== this.cs.height) return false;
    switch (message.kind) {
      case 'proposal':
        return this.receiveProposal(message.proposal);
      case 'vote':
        return this.receiveVote(message.vote);
      case 'blockPart':
        return this.receivePart(message);
    }
  }

  /** A peer went away: forget what it told us. */
  peerGone(peer: string): void {
    this.peerHeights.delete(peer);
    if (this.syncRequest?.peer === peer) this.syncRequest = null;
  }

  private receiveProposal(proposal: Proposal): boolean {
    const rs = this.cs.rounds.get(proposal.round);
    if (rs?.proposal != null) {
      if (bytesEqual(rs.proposal.signature, proposal.signature)) return false; // already have it
    }
    verifyProposal(this.chainId, proposal, proposerFor(this.cs, proposal.round), this.verify);
    this.expectParts(proposal.blockId);
    this.feed({ kind: 'proposal', proposal });
    return true;
  }

  private receiveVote(vote: Vote): boolean {
    const existing = this.cs.rounds.get(vote.round);
    const set = existing === undefined ? undefined : vote.type === 1 ? existing.prevotes : existing.precommits;
    const had = set?.votes[vote.validatorIndex];
    if (had !== undefined && bytesEqual(had.signature, vote.signature)) return false;
    voteValidator(this.chainId, vote, this.cs.validators, this.verify);
    this.feed({ kind: 'vote', vote });
    return true;
  }

  private expectParts(blockId: BlockID): void {
    const key = blockIdKey(blockId);
    if (this.blocks.has(key)) return;
    const psKey = toHex(blockId.partSetHeader.hash);
    if (this.collectors.has(psKey)) return;
    const maxParts = Math.ceil(Number(this.deps.app.params.block.max_bytes) / BLOCK_PART_SIZE) + 1;
    if (blockId.partSetHeader.total > maxParts) throw EngineErrors.invalidMessage(`a proposal with ${blockId.partSetHeader.total} parts`);
    this.collectors.set(psKey, { total: blockId.partSetHeader.total, parts: new Array(blockId.partSetHeader.total).fill(undefined), count: 0, blockId });
  }

  private receivePart(m: Extract<ConsensusMessage, { kind: 'blockPart' }>): boolean {
    const c = this.collectors.get(toHex(m.psHash));
    if (c === undefined) return false; // no proposal names it (yet): the proposer sends the proposal first
    if (m.total !== c.total || m.index >= c.total) throw EngineErrors.invalidMessage(`block part ${m.index}/${m.total} does not fit the proposal`);
    if (c.parts[m.index] !== undefined) return false;
    // each part proves itself against the signed part set root: a forged one is dropped alone, the real one still fits
    if (!verifyPart(m, c.total, m.psHash)) throw EngineErrors.badPart(`part ${m.index}/${m.total} of block ${toHex(c.blockId.hash)}: its proof does not lead to the part set root`);
    c.parts[m.index] = m.bytes;
    c.count++;
    if (c.count < c.total) return true;
    this.collectors.delete(toHex(m.psHash));
    const bytes = Buffer.concat(c.parts as Uint8Array[]);
    let built: BuiltBlock;
    try {
      built = decodeBlockFor(bytes, c.blockId);
    } catch (e) {
      // every part matched the signed root, so the proposer itself sent bytes that are no block
      this.log(`dropping parts of block ${toHex(c.blockId.hash)}: ${(e as Error).message}`);
      throw e;
    }
    this.addBlock(built);
    return true;
  }

  private addBlock(built: BuiltBlock): void {
    const key = blockIdKey(built.blockId);
    if (this.blocks.has(key)) return;
    // equal bytes, so the block is the same; the mempool's arrays carry what CheckTx already derived from them
    const txs = built.block.data?.txs;
    if (txs !== undefined) for (let i = 0; i < txs.length; i++) txs[i] = this.deps.mempool.sameTx(txs[i]!);
    this.blocks.set(key, built);
    const awaiting = this.awaitingBlock.get(key);
    if (awaiting !== undefined) {
      this.awaitingBlock.delete(key);
      this.feed({ kind: 'blockValidity', height: this.cs.height, blockId: awaiting, valid: this.isValid(built) });
    }
  }

  private receiveEvidence(evidence: DuplicateVoteEvidence): boolean {
    const key = evidenceKey(evidence);
    if (this.evidencePool.has(key) || this.committedEvidence.has(key)) return false;
    const set = this.evidenceValidators(evidence.voteA?.height ?? 0n);
    if (set === null) return false; // too old or too new to judge: ignore, it is not wrong
    verifyDuplicateVoteEvidence(this.chainId, evidence, set, this.verify);
    this.evidencePool.set(key, evidence);
    this.log(`evidence: validator ${toHex(evidence.voteA!.validatorAddress)} double-signed at ${evidence.voteA!.height}/${evidence.voteA!.round}`);
    return true;
  }

  // ------------------------------------------------------------------ block sync

  private tickStatus(): void {
    if (!this.running) return;
    this.deps.network.broadcast({ kind: 'status', height: this.deps.app.height });
    // A height that outlasts a tick may be waiting on messages a peer missed (it was down, or not yet
    // connected when they went out): send again what this height has seen. Receivers drop duplicates.
    if (this.cs.height === this.heightAtLastTick && this.cs.step !== 'commit') this.regossip();
    this.heightAtLastTick = this.cs.height;
    this.maybeSync();
  }

  private regossip(): void {
    for (const [round, rs] of this.cs.rounds) {
      if (round < this.cs.round - 1) continue;
      if (rs.proposal !== null) {
        this.deps.network.broadcast({ kind: 'proposal', proposal: rs.proposal });
        this.sendParts(rs.proposal);
      }
      for (const vote of [...rs.prevotes.votes, ...rs.precommits.votes]) if (vote !== undefined) this.deps.network.broadcast({ kind: 'vote', vote });
    }
  }

  private maybeSync(): void {
    if (!this.running || this.cs === undefined || this.cs.step === 'commit') return;
    const want = this.cs.height;
    if (this.syncRequest !== null && this.syncRequest.height === want && Date.now() - this.syncRequest.at < SYNC_REQUEST_TIMEOUT_MS) return;
    const ahead = [...this.peerHeights.entries()].filter(([, h]) => h >= want).sort(([a], [b]) => (a < b ? -1 : 1));
    if (ahead.length === 0) return;
    // rotate through the peers that have it, so one that does not answer is not asked forever
    const pick = ahead[Number(want % BigInt(ahead.length))]!;
    this.syncRequest = { peer: pick[0], height: want, at: Date.now() };
    this.deps.network.send(pick[0], { kind: 'blockRequest', height: want });
  }

  private serveBlock(peer: string, height: bigint): void {
    const block = this.deps.reader.blockBytes(height);
    const commit = this.deps.reader.seenCommit(height);
    if (block === undefined || commit === undefined) return;
    this.deps.network.send(peer, { kind: 'blockResponse', block, commit });
  }

  private receiveSyncedBlock(peer: string, bytes: Uint8Array, commit: Commit): void {
    if (commit.height !== this.cs.height || this.cs.step === 'commit') return;
    const built = decodeBlockFor(bytes, commit.blockId);
    verifyCommit(this.chainId, this.cs.validators, commit.blockId, this.cs.height, commit, this.verify);
    if (this.syncRequest?.peer === peer) this.syncRequest = null;
    this.addBlock(built);
    this.feed({ kind: 'commit', commit });
  }

  // ------------------------------------------------------------------ heights

  private beginHeight(): void {
    if (!this.running) return;
    const height = this.deps.app.height + 1n;
    this.blocks.clear();
    this.collectors.clear();
    this.awaitingBlock.clear();
    this.syncRequest = null;
    const t = startHeight({
      height,
      validators: this.sets.current,
      self: this.deps.validatorAddress,
      params: this.opts.timeouts,
      lastBlockTime: nsToTs(this.lastBlockTimeNs),
    });
    this.cs = t.state;
    if (this.replayPending) {
      this.replayPending = false;
      this.restoreFromWal(height);
    }
    this.runActions(t.actions);
    this.drain();
    const buffered = this.future;
    this.future = [];
    for (const { peer, message } of buffered) {
      try {
        this.receive(peer, message);
      } catch (e) {
        this.log(`dropping a buffered ${message.kind} from ${peer}: ${(e as Error).message}`);
      }
    }
    this.maybeSync();
  }

  /**
   * After a restart: what the WAL says we signed at this height goes back into the rules (and out to
   * peers, who may have missed it), and the lock our last non-nil precommit implies is restored.
   */
  private restoreFromWal(height: bigint): void {
    const signer = this.deps.signer;
    if (signer === null) return;
    let lock: { round: number; blockId: BlockID } | null = null;
    for (const r of signer.signedAt(height)) {
      if (r.kind === 'block') {
        // our own proposal's block: the proposal and votes below may name it, and nobody else may hold it
        this.addBlock(decodeBlock(r.bytes));
      } else if (r.kind === 'vote') {
        if (r.vote.type === 2 && !isNilBlockId(r.vote.blockId) && (lock === null || r.vote.round > lock.round)) {
          lock = { round: r.vote.round, blockId: r.vote.blockId };
        }
        this.deps.network.broadcast({ kind: 'vote', vote: r.vote });
        this.inbox.push({ kind: 'vote', vote: r.vote });
      } else {
        this.deps.network.broadcast({ kind: 'proposal', proposal: r.proposal });
        this.sendParts(r.proposal);
        this.expectParts(r.proposal.blockId);
        this.inbox.push({ kind: 'proposal', proposal: r.proposal });
      }
    }
    if (lock !== null) {
      this.cs = { ...this.cs, lockedValue: lock.blockId, lockedRound: lock.round, validValue: lock.blockId, validRound: lock.round };
      this.log(`restored lock on ${toHex(lock.blockId.hash)} from round ${lock.round} of height ${height}`);
    }
  }

  // ------------------------------------------------------------------ the event loop

  private feed(event: ConsensusEvent): void {
    this.inbox.push(event);
    this.drain();
  }

  private drain(): void {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.running && this.inbox.length > 0) {
        const event = this.inbox.shift()!;
        let t;
        try {
          t = step(this.cs, event);
        } catch (e) {
          this.log(`rules refused a ${event.kind} event: ${(e as Error).message}`);
          continue;
        }
        this.cs = t.state;
        this.runActions(t.actions);
      }
    } finally {
      this.processing = false;
    }
  }

  private runActions(actions: readonly ConsensusAction[]): void {
    for (const a of actions) {
      try {
        this.perform(a);
      } catch (e) {
        this.log(`${a.kind} failed: ${(e as Error).stack ?? e}`);
        if (a.kind === 'decide') {
          // the app could not execute a decided block: nothing else is safe to do
          this.stop();
          throw e;
        }
      }
    }
  }

  private perform(a: ConsensusAction): void {
    switch (a.kind) {
      case 'newRound':
        if (a.round > 0) this.log(`height ${a.height} round ${a.round}`);
        return;
      case 'scheduleTimeout': {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (this.running) this.feed({ kind: 'timeout', step: a.step, height: a.height, round: a.round });
        }, a.durationMs);
        this.timers.add(timer);
        return;
      }
      case 'requestValue': {
        const built = this.buildProposalBlock();
        this.blocks.set(blockIdKey(built.blockId), built);
        this.inbox.push({ kind: 'proposalValue', height: a.height, round: a.round, blockId: built.blockId });
        return;
      }
      case 'broadcastProposal': {
        const block = this.blocks.get(blockIdKey(a.proposal.blockId));
        const out = this.deps.signer?.signProposal(makeProposal(a.proposal, nowTs(this.lastBlockTimeNs)), block?.bytes);
        if (out === undefined || out.status === 'refused') return;
        const proposal = out.message;
        this.deps.network.broadcast({ kind: 'proposal', proposal });
        this.sendParts(proposal);
        this.inbox.push({ kind: 'proposal', proposal });
        return;
      }
      case 'broadcastVote': {
        const index = selfIndex(this.cs);
        if (this.deps.signer === null || index < 0) return;
        // a vote is later than the block it votes for, so the next block's BFT time moves forward
        const voted = isNilBlockId(a.vote.blockId) ? undefined : this.blocks.get(blockIdKey(a.vote.blockId));
        const votedNs = voted === undefined ? 0n : tsNs(voted.block.header!.time);
        const after = votedNs > this.lastBlockTimeNs ? votedNs : this.lastBlockTimeNs;
        const unsigned = makeVote(a.vote, { validatorAddress: this.deps.validatorAddress!, validatorIndex: index, timestamp: nowTs(after) });
        const out = this.deps.signer.signVote(unsigned);
        if (out.status === 'refused') return;
        this.deps.network.broadcast({ kind: 'vote', vote: out.message });
        if (this.deps.conflictingVote !== undefined) this.deps.network.broadcast({ kind: 'vote', vote: this.deps.conflictingVote(out.message) });
        this.inbox.push({ kind: 'vote', vote: out.message });
        return;
      }
      case 'validateBlock': {
        const key = blockIdKey(a.blockId);
        const built = this.blocks.get(key);
        if (built === undefined) {
          this.awaitingBlock.set(key, a.blockId);
          this.expectParts(a.blockId);
          return;
        }
        this.inbox.push({ kind: 'blockValidity', height: a.height, blockId: a.blockId, valid: this.isValid(built) });
        return;
      }
      case 'decide':
        this.commitBlock(a.blockId, a.commit, a.round);
        return;
      case 'evidence': {
        const key = evidenceKey(a.evidence);
        if (this.evidencePool.has(key) || this.committedEvidence.has(key)) return;
        this.evidencePool.set(key, a.evidence);
        this.log(`evidence: validator ${toHex(a.evidence.voteA!.validatorAddress)} double-signed at ${a.evidence.voteA!.height}/${a.evidence.voteA!.round}`);
        this.deps.network.broadcast({ kind: 'evidence', evidence: a.evidence });
        return;
      }
    }
  }

  private sendParts(proposal: Proposal): void {
    const built = this.blocks.get(blockIdKey(proposal.blockId));
    if (built === undefined) return;
    const parts = splitParts(built.bytes);
    for (const part of parts) {
      this.deps.network.broadcast({
        kind: 'blockPart',
        height: proposal.height,
        round: proposal.round,
        total: parts.length,
        index: part.index,
        psHash: proposal.blockId.partSetHeader.hash,
        proof: part.proof,
        bytes: part.bytes,
      });
    }
  }

  // ------------------------------------------------------------------ blocks and the app

  private chainContext(): ChainContext {
    const { app, reader } = this.deps;
    const params = app.params;
    const prevHeight = this.cs.height - 1n;
    return {
      chainId: app.chainId,
      height: this.cs.height,
      initialHeight: reader.initialHeight(),
      lastBlockId: this.lastBlockId,
      lastBlockTimeNs: this.lastBlockTimeNs,
      lastCommitValidators: this.sets.last,
      validators: this.sets.current,
      nextValidators: this.sets.next,
      appHash: app.appHash,
      lastResultsHash: this.lastResultsHash(prevHeight),
      consensusHash: consensusParamsHash(BigInt(params.block.max_bytes), BigInt(params.block.max_gas)),
      appVersion: BigInt(params.version.app),
      evidenceValidators: (h) => this.evidenceValidators(h),
      previousEvidence: this.previousEvidence,
      verify: this.verify,
    };
  }

  /** The results hash of a committed height: kept from its commit, read back from the store only after a restart. */
  private lastResultsHash(height: bigint): Uint8Array {
    if (this.lastResults?.height === height) return this.lastResults.hash;
    const hash = resultsHash(height > 0n ? this.deps.reader.blockTxs(height).map((t) => t.result) : []);
    this.lastResults = { height, hash };
    return hash;
  }

  private evidenceValidators(height: bigint): ValidatorSet | null {
    if (this.cs === undefined) return null;
    if (height === this.cs.height) return this.sets.current;
    if (height === this.cs.height - 1n) return this.sets.last;
    return null;
  }

  private buildProposalBlock(): BuiltBlock {
    const { app, mempool } = this.deps;
    const ctx = this.chainContext();
    const maxBytes = Number(app.params.block.max_bytes);
    const maxGas = BigInt(app.params.block.max_gas);
    // BFT time: the first block takes the genesis time, every later one the median of its last commit
    const time = ctx.height === ctx.initialHeight ? nsToTs(BigInt(this.opts.genesisTimeMs) * 1_000_000n) : medianTime(this.lastCommit!, this.sets.last!);
    const evidence = this.pendingEvidence.filter((e) => ctx.evidenceValidators(e.voteA!.height) !== null && !ctx.previousEvidence.has(evidenceKey(e)));
    const { txs } = app.prepareProposal({
      maxTxBytes: BigInt(maxBytes) - 64n * 1024n, // room for the header, last commit and evidence
      txs: mempool.reap(maxBytes, maxGas),
      localLastCommit: ExtendedCommitInfo.fromPartial(commitInfoOf(this.lastCommit, this.sets.last)),
      misbehavior: misbehaviorOf(evidence),
      height: ctx.height,
      time,
      nextValidatorsHash: ctx.nextValidators.hash(),
      proposerAddress: this.deps.validatorAddress!,
    });
    return buildBlock(
      {
        chainId: ctx.chainId,
        height: ctx.height,
        time,
        lastBlockId: this.lastBlockId ?? nilBlockId(),
        lastCommit: ctx.height === ctx.initialHeight ? undefined : this.lastCommit,
        txs,
        validatorsHash: ctx.validators.hash(),
        nextValidatorsHash: ctx.nextValidators.hash(),
        consensusHash: ctx.consensusHash,
        appHash: ctx.appHash,
        lastResultsHash: ctx.lastResultsHash,
        proposerAddress: this.deps.validatorAddress!,
        appVersion: ctx.appVersion,
      },
      evidence,
    );
  }

  /** valid(v): the chain checks, then the app's ProcessProposal. */
  private isValid(built: BuiltBlock): boolean {
    try {
      checkBlock(built, this.chainContext());
    } catch (e) {
      this.log(`rejecting block ${toHex(built.blockId.hash)}: ${(e as Error).message}`);
      return false;
    }
    const h = built.block.header!;
    const res = this.deps.app.processProposal({
      txs: built.block.data?.txs ?? [],
      proposedLastCommit: commitInfoOf(built.block.lastCommit, this.sets.last),
      misbehavior: misbehaviorOf(blockEvidence(built.block)),
      hash: built.blockId.hash,
      height: h.height,
      time: h.time,
      nextValidatorsHash: h.nextValidatorsHash,
      proposerAddress: h.proposerAddress,
    });
    if (res.status !== ResponseProcessProposal_ProposalStatus.ACCEPT) {
      this.log(`the app rejected block ${toHex(built.blockId.hash)} at height ${h.height}`);
      return false;
    }
    return true;
  }

  private commitBlock(blockId: BlockID, commit: Commit, round: number): void {
    const { app, blockStore, mempool, eventBus } = this.deps;
    const built = this.blocks.get(blockIdKey(blockId));
    if (built === undefined) throw EngineErrors.invalidBlock('decided a block this node does not hold');
    const h = built.block.header!;
    const evidence = blockEvidence(built.block);
    const response = app.finalizeBlock({
      txs: built.block.data?.txs ?? [],
      decidedLastCommit: commitInfoOf(built.block.lastCommit, this.sets.last),
      misbehavior: misbehaviorOf(evidence),
      hash: blockId.hash,
      height: h.height,
      time: h.time,
      nextValidatorsHash: h.nextValidatorsHash,
      proposerAddress: h.proposerAddress,
    });
    blockStore.setDecided(built.block, blockId, commit);
    app.commit();
    const committed = app.lastCommittedBlock!;
    mempool.update(committed.txs.map((t) => t.hash));
    for (const e of evidence) {
      const key = evidenceKey(e);
      this.committedEvidence.add(key);
      this.evidencePool.delete(key);
    }
    this.previousEvidence = new Set(evidence.map(evidenceKey));
    // evidence older than the height just committed can no longer be judged: it expires from the pool
    for (const [key, e] of this.evidencePool) if (e.voteA!.height < h.height) this.evidencePool.delete(key);
    this.sets = advanceValidatorSets(this.sets, validatorsFromAbciUpdates(response.validatorUpdates));
    this.lastCommit = commit;
    this.lastBlockId = blockId;
    this.lastBlockTimeNs = tsNs(h.time);
    this.lastDecision = { height: h.height, round };
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.deps.signer?.compact(h.height);
    this.lastResults = { height: h.height, hash: resultsHash(committed.txs.map((t) => t.result)) };
    // published from what was just committed, not read back from the store
    eventBus.publishBlock(
      { block: built.block, blockId, finalize: response },
      committed.txs.map((t) => ({ version: t.version, hash: t.hash, height: h.height, index: t.index, tx: t.bytes, result: t.result, leafData: t.leafData, info: t.txInfo })),
    );
    if (this.produced === null) this.produced = committed;
    // published: holding a block's results until the next commit made every young-generation GC copy them
    app.releaseCommittedBlock();
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i]!.height <= h.height) {
        this.waiters[i]!.resolve();
        this.waiters.splice(i, 1);
      }
    }
    this.deps.network.broadcast({ kind: 'status', height: h.height });
    const behind = [...this.peerHeights.values()].some((ph) => ph > h.height);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      // late precommits that arrived while waiting make the next block's last commit fuller
      const fuller = commitFor(this.cs);
      if (fuller !== null && fuller.height === this.lastCommit?.height) this.lastCommit = fuller;
      this.enterNextHeight();
    }, behind ? 0 : this.opts.timeouts.commitMs);
    this.timers.add(timer);
  }

  /** The next height now, or (waitForTxs) once txs are pending. A height the WAL has signed for is finished at once. */
  private enterNextHeight(): void {
    if (!this.running) return;
    const unfinished = this.replayPending && (this.deps.signer?.signedAt(this.deps.app.height + 1n).length ?? 0) > 0;
    if (this.opts.waitForTxs && this.deps.mempool.size === 0 && !unfinished) {
      this.idle = true;
      return;
    }
    this.idle = false;
    this.beginHeight();
  }

  /**
   * waitForTxs: the mempool has txs; an idle engine starts the next height (after the current call stack).
   * As in CometBFT, that block's BFT time is its last commit's: when the wait began, not when the txs came.
   */
  private txsAvailable(): void {
    if (!this.running || !this.idle || this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      if (!this.running || !this.idle || this.deps.mempool.size === 0) return;
      this.idle = false;
      this.beginHeight();
    });
  }

  /** Validator sets at the next height, replayed from genesis through the stored validator updates. */
  private rebuildValidatorSets(): ValidatorSets {
    const { reader, app } = this.deps;
    let sets = genesisValidatorSets(this.deps.genesisValidators);
    for (let h = reader.initialHeight(); h <= app.height; h++) {
      const updates = reader.blockResults(h)?.response.validatorUpdates ?? [];
      sets = advanceValidatorSets(sets, validatorsFromAbciUpdates(updates));
    }
    return sets;
  }

  private log(line: string): void {
    this.deps.log?.(`consensus: ${line}`);
  }
}

function messageHeight(m: ConsensusMessage): bigint {
  switch (m.kind) {
    case 'proposal':
      return m.proposal.height;
    case 'vote':
      return m.vote.height;
    case 'blockPart':
      return m.height;
    default:
      return -1n;
  }
}

function tsNs(t: Timestamp): bigint {
  return t.seconds * 1_000_000_000n + BigInt(t.nanos);
}

function nsToTs(ns: bigint): Timestamp {
  return { seconds: ns / 1_000_000_000n, nanos: Number(ns % 1_000_000_000n) };
}

/** Wall-clock time for a block or vote, never before the previous block. */
function nowTs(afterNs: bigint): Timestamp {
  const now = BigInt(Date.now()) * 1_000_000n;
  return nsToTs(now > afterNs ? now : afterNs + 1_000_000n);
}
