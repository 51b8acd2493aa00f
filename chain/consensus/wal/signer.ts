/**
 * The validator's signer, guarded by the WAL (CometBFT's FilePV "last sign state", kept as a log).
 * For each height/round/step it signs at most one message, ever:
 *  - a step already signed gets the logged message back, whatever is asked now (never a second one);
 *  - a step below the last one signed is refused (its message may have gone out before a crash that
 *    lost nothing of the log, but the WAL no longer holds it);
 *  - otherwise the message is signed, logged and fsynced, and only then returned.
 */
import { Proposal, SignedMsgType, Vote } from 'cosmjs-types/tendermint/types/types';
import { signEd25519 } from '../../crypto/ed25519.js';
import { proposalSignBytes, voteSignBytes } from '../types/canonical.js';
import { ConsensusWal, recordHeight, type WalRecord } from './wal.js';

/** CometBFT's step numbers: the order of the messages within a round. */
const STEP_PROPOSE = 1;
const STEP_PREVOTE = 2;
const STEP_PRECOMMIT = 3;

interface Hrs {
  readonly height: bigint;
  readonly round: number;
  readonly step: number;
}

function compareHrs(a: Hrs, b: Hrs): number {
  if (a.height !== b.height) return a.height < b.height ? -1 : 1;
  if (a.round !== b.round) return a.round < b.round ? -1 : 1;
  return a.step - b.step;
}

type SignedRecord = Exclude<WalRecord, { kind: 'block' }>;

function hrsOf(r: SignedRecord): Hrs {
  if (r.kind === 'proposal') return { height: r.proposal.height, round: r.proposal.round, step: STEP_PROPOSE };
  const step = r.vote.type === SignedMsgType.SIGNED_MSG_TYPE_PREVOTE ? STEP_PREVOTE : STEP_PRECOMMIT;
  return { height: r.vote.height, round: r.vote.round, step };
}

const hrsKey = (h: Hrs) => `${h.height}/${h.round}/${h.step}`;

export type SignOutcome<T> =
  /** Signed now (logged first). */
  | { readonly status: 'signed'; readonly message: T }
  /** Signed before (maybe another value): the logged message, to be sent again instead. */
  | { readonly status: 'replayed'; readonly message: T }
  /** Below the last signed step and not in the log: nothing may be signed. */
  | { readonly status: 'refused' };

export class GuardedSigner {
  private last: Hrs | null = null;
  private readonly signed = new Map<string, SignedRecord>();

  constructor(
    private readonly chainId: string,
    private readonly privateKey: Uint8Array,
    private readonly wal: ConsensusWal,
  ) {
    for (const r of wal.entries) if (r.kind !== 'block') this.remember(r);
  }

  /** Everything logged for `height`, our proposal's block included (to replay into the state machine after a restart). */
  signedAt(height: bigint): WalRecord[] {
    return this.wal.entries.filter((r) => recordHeight(r) === height);
  }

  signVote(vote: Vote): SignOutcome<Vote> {
    const out = this.sign({ kind: 'vote', vote }, () => ({ ...vote, signature: signEd25519(this.privateKey, voteSignBytes(this.chainId, vote)) }));
    if (out.status === 'refused') return out;
    return { status: out.status, message: (out.record as { vote: Vote }).vote };
  }

  /** `block`: the encoded block the proposal names, logged with the proposal (same fsync) when it is signed now. */
  signProposal(proposal: Proposal, block?: Uint8Array): SignOutcome<Proposal> {
    const blockRecord: WalRecord[] = block === undefined ? [] : [{ kind: 'block', height: proposal.height, bytes: block }];
    const out = this.sign(
      { kind: 'proposal', proposal },
      () => ({ ...proposal, signature: signEd25519(this.privateKey, proposalSignBytes(this.chainId, proposal)) }),
      blockRecord,
    );
    if (out.status === 'refused') return out;
    return { status: out.status, message: (out.record as { proposal: Proposal }).proposal };
  }

  /** Drops log records of heights below `height` when the log is large. */
  compact(height: bigint): void {
    this.wal.compact(height);
    for (const [k, r] of this.signed) if (recordHeight(r) < height) this.signed.delete(k);
  }

  private sign<T extends SignedRecord>(
    request: T,
    signNow: () => T extends { kind: 'vote' } ? Vote : Proposal,
    logFirst: WalRecord[] = [],
  ): { status: 'signed' | 'replayed'; record: SignedRecord } | { status: 'refused' } {
    const hrs = hrsOf(request);
    const logged = this.signed.get(hrsKey(hrs));
    if (logged !== undefined) return { status: 'replayed', record: logged };
    if (this.last !== null && compareHrs(hrs, this.last) < 0) return { status: 'refused' };
    const message = signNow();
    const record: SignedRecord = request.kind === 'vote' ? { kind: 'vote', vote: message as Vote } : { kind: 'proposal', proposal: message as Proposal };
    this.wal.append(...logFirst, record); // durable before the signature is handed out
    this.remember(record);
    return { status: 'signed', record };
  }

  private remember(r: SignedRecord): void {
    const hrs = hrsOf(r);
    this.signed.set(hrsKey(hrs), r);
    if (this.last === null || compareHrs(hrs, this.last) > 0) this.last = hrs;
  }
}
