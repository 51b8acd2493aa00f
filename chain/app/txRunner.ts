import type { ExecTxResult, Event } from 'cosmjs-types/tendermint/abci/types';
import { TxMsgData } from 'cosmjs-types/cosmos/base/abci/v1beta1/abci';
import type { Any } from 'cosmjs-types/google/protobuf/any';
import { decodeTx, type DecodedTx } from '../codec/tx.js';
import { BranchStore } from '../store/branch.js';
import { GasKVStore, GasMeter } from '../store/gas.js';
import type { KVReader } from '../store/kv.js';
import { VivianError } from '../types/errors.js';
import { SdkErrors } from '../types/sdkErrors.js';
import type { AuthKeeper } from '../modules/auth/keeper.js';
import type { BankKeeper } from '../modules/bank/keeper.js';
import { runAnte, type AnteOptions } from './ante.js';
import type { BlockInfo, Context, ExecMode } from './context.js';
import { EventManager } from './events.js';
import type { DecodedMsg, MsgRouter } from './router.js';

export interface TxOutcome {
  result: ExecTxResult;
  tx?: DecodedTx;
  /** signers of the tx, when it decoded */
  signers: string[];
  priority: bigint;
  /** the sequence the first signer declared, and the one the state expected (for the mempool's gap handling) */
  sequence?: bigint;
  expectedSequence?: bigint;
  msgResponses: Any[];
  /** for a passed CheckTx: the state keys its check read and wrote (see the mempool's re-check after a commit) */
  checkAccess?: { written: string[]; read: string[]; ranged: boolean };
}

export interface TxRunnerDeps {
  router: MsgRouter;
  auth: AuthKeeper;
  bank: BankKeeper;
  maxTxBytes: number;
  /** modules' checks on every decoded tx, run first in the ante (AppModule.checkTx) */
  txChecks?: ReadonlyArray<(ctx: Context, tx: DecodedTx) => void>;
}

/** Turns any thrown value into Cosmos-style {codespace, code, log}; unknown errors become sdk/1 (internal). */
export function errorResult(e: unknown): { code: number; codespace: string; log: string } {
  if (e instanceof VivianError) return { code: e.code, codespace: e.codespace, log: e.message };
  return { code: 1, codespace: 'undefined', log: `internal error: ${(e as Error)?.message ?? String(e)}` };
}

const NO_DATA = new Uint8Array();

/**
 * An ExecTxResult built field by field. ExecTxResult.fromPartial would deep-copy every event and attribute of
 * every tx; the events here are fresh and never shared, so they are taken as they are.
 */
function execResult(r: Partial<ExecTxResult> & Pick<ExecTxResult, 'gasWanted' | 'gasUsed' | 'events'>): ExecTxResult {
  return { code: r.code ?? 0, data: r.data ?? NO_DATA, log: r.log ?? '', info: '', gasWanted: r.gasWanted, gasUsed: r.gasUsed, events: r.events, codespace: r.codespace ?? '' };
}

function failed(e: unknown, gasWanted: number, gasUsed: number, events: Event[] = []): ExecTxResult {
  const { code, codespace, log } = errorResult(e);
  return execResult({ code, codespace, log, gasWanted: BigInt(gasWanted), gasUsed: BigInt(gasUsed), events });
}

/** The signers of a tx: each message's signers in order, first appearance wins (as the SDK's GetSigners). */
export function txSigners(msgs: readonly DecodedMsg[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const m of msgs) {
    for (const s of m.handler.signers(m.msg)) {
      if (!seen.has(s)) {
        seen.add(s);
        out.push(s);
      }
    }
  }
  return out;
}

/**
 * Runs one tx on top of `parent` (a branch of block or check state): ante on one branch, messages on a
 * child branch. A failure in the messages discards only their branch (the fee and sequence stay); a
 * failure in the ante discards everything. Writes reach `parent` only through `commitTo`.
 */
/**
 * A tx's decoded messages, by the identity of its decoded form: decodeTx hands CheckTx and DeliverTx the same
 * object for the same bytes, and decoding plus validateBasic is a pure function of the bytes. Refusals are not
 * remembered (they throw each time).
 */
const decodedMsgs = new WeakMap<DecodedTx, { router: MsgRouter; msgs: DecodedMsg[] }>();

function decodeMsgs(router: MsgRouter, tx: DecodedTx): DecodedMsg[] {
  const hit = decodedMsgs.get(tx);
  if (hit?.router === router) return hit.msgs;
  const msgs = tx.messages.map((m) => router.decode(m));
  decodedMsgs.set(tx, { router, msgs });
  return msgs;
}

/**
 * The decoded form and signers DeliverTx derived from a committed tx's bytes (none when they did not decode):
 * what the node's indexes of committed txs are built from, recovered from the stored bytes.
 */
export function decodeCommittedTx(deps: Pick<TxRunnerDeps, 'router' | 'maxTxBytes'>, bytes: Uint8Array): { tx?: DecodedTx; signers: string[] } {
  try {
    const tx = decodeTx(bytes, deps.maxTxBytes);
    return { tx, signers: txSigners(decodeMsgs(deps.router, tx)) };
  } catch {
    return { signers: [] };
  }
}

export function runTx(
  deps: TxRunnerDeps,
  parent: BranchStore | KVReader,
  bytes: Uint8Array,
  block: BlockInfo,
  mode: ExecMode,
  ante: AnteOptions,
): { outcome: TxOutcome; anteBranch: BranchStore | null } {
  let tx: DecodedTx;
  let msgs: DecodedMsg[];
  try {
    tx = decodeTx(bytes, deps.maxTxBytes, { simulate: mode === 'simulate' });
    msgs = decodeMsgs(deps.router, tx);
  } catch (e) {
    return { outcome: { result: failed(e, 0, 0), signers: [], priority: 0n, msgResponses: [] }, anteBranch: null };
  }
  const signers = txSigners(msgs);
  const meter = new GasMeter(mode === 'simulate' && tx.gasLimit === 0 ? Number.MAX_SAFE_INTEGER : tx.gasLimit);
  // a check records what it read, so that after a commit only the pending txs it concerns are checked again
  const anteBranch = new BranchStore(parent, { trackReads: mode === 'check' || mode === 'recheck' });
  const anteEvents = new EventManager();
  const anteCtx: Context = { store: new GasKVStore(anteBranch, meter), gas: meter, events: anteEvents, block, mode };
  let priority: bigint;
  try {
    for (const check of deps.txChecks ?? []) check(anteCtx, tx);
    priority = runAnte(anteCtx, tx, signers, deps, ante).priority;
  } catch (e) {
    const outcome: TxOutcome = { result: failed(e, tx.gasLimit, meter.reported()), tx, signers, priority: 0n, msgResponses: [] };
    if (SdkErrors.WrongSequence.is(e)) {
      // what the first signer declared and what its account holds: the mempool parks txs that are ahead
      outcome.sequence = tx.signerInfos[0]?.sequence;
      outcome.expectedSequence = deps.auth.getAccount(parent, signers[0]!)?.sequence;
    }
    return { outcome, anteBranch: null };
  }

  // CheckTx admits a tx on its ante alone (signatures, fee, sequence), as the Cosmos SDK does: its messages
  // run when the block executes, against the state of that moment
  if (mode === 'check' || mode === 'recheck') {
    const result = execResult({ gasWanted: BigInt(tx.gasLimit), gasUsed: BigInt(meter.reported()), events: anteEvents.events });
    return { outcome: { result, tx, signers, priority, sequence: tx.signerInfos[0]?.sequence, msgResponses: [] }, anteBranch };
  }

  const msgBranch = anteBranch.branch();
  const msgEvents = new EventManager();
  const msgCtx: Context = { store: new GasKVStore(msgBranch, meter), gas: meter, events: msgEvents, block, mode };
  const msgResponses: Any[] = [];
  try {
    msgs.forEach((m, i) => {
      const before = msgEvents.events.length;
      // baseapp's message event first, then the module's own events; all tagged with msg_index
      msgEvents.emit('message', [['action', m.typeUrl], ['sender', signers[0]!], ['module', m.handler.module], ['msg_index', String(i)]]);
      msgResponses.push(m.handler.handle(msgCtx, m.msg));
      for (let j = before + 1; j < msgEvents.events.length; j++) {
        msgEvents.events[j]!.attributes.push({ key: 'msg_index', value: String(i), index: true });
      }
    });
  } catch (e) {
    msgBranch.discard();
    return {
      outcome: { result: failed(e, tx.gasLimit, meter.reported(), anteEvents.events), tx, signers, priority, msgResponses: [] },
      anteBranch,
    };
  }
  msgBranch.write();
  const data = TxMsgData.encode({ data: [], msgResponses }).finish();
  const result = execResult({
    data,
    gasWanted: BigInt(tx.gasLimit),
    gasUsed: BigInt(meter.reported()),
    events: [...anteEvents.events, ...msgEvents.events],
  });
  return { outcome: { result, tx, signers, priority, sequence: tx.signerInfos[0]?.sequence, msgResponses }, anteBranch };
}
