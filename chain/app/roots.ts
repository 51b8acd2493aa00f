import { ExecTxResult, type Event } from 'cosmjs-types/tendermint/abci/types';
import { sha256 } from '../crypto/hash.js';
import { readU64be, u64be } from '../store/buckets.js';

/** What the app hash of a height commits to; stored per height so any answer can be proven later. */
export interface Roots {
  ledgerSize: bigint;
  ledgerRoot: Uint8Array;
  stateRoot: Uint8Array;
  appHash: Uint8Array;
}

/** uint64be(ledger_size) ++ ledger_root(32) ++ state_root(32) ++ app_hash(32) */
export function encodeRoots(r: Roots): Uint8Array {
  const out = new Uint8Array(8 + 96);
  out.set(u64be(r.ledgerSize), 0);
  out.set(r.ledgerRoot, 8);
  out.set(r.stateRoot, 40);
  out.set(r.appHash, 72);
  return out;
}

export function decodeRoots(b: Uint8Array): Roots {
  return {
    ledgerSize: readU64be(b, 0),
    ledgerRoot: b.slice(8, 40),
    stateRoot: b.slice(40, 72),
    appHash: b.slice(72, 104),
  };
}

/** app_hash = SHA-256(state_root ‖ ledger_root ‖ uint64be(ledger_size)): what each header commits to. */
export function appHash(stateRoot: Uint8Array, ledgerRoot: Uint8Array, ledgerSize: bigint): Uint8Array {
  return sha256(stateRoot, ledgerRoot, u64be(ledgerSize));
}

/**
 * A tx result's stored bytes (ExecTxResult protobuf) and its events hash, with the events encoded once: an
 * encoding writes fields in number order, so that of {events} (field 7) is exactly the middle of the whole,
 * between fields 1-6 and field 8.
 */
export function encodeTxResult(result: ExecTxResult): { bytes: Uint8Array; eventsHash: Uint8Array } {
  const head = ExecTxResult.encode({ ...result, events: [], codespace: '' }).finish();
  const events = result.events.length > 0 ? ExecTxResult.encode(ExecTxResult.fromPartial({ events: result.events })).finish() : new Uint8Array();
  const tail = result.codespace ? ExecTxResult.encode(ExecTxResult.fromPartial({ codespace: result.codespace })).finish() : new Uint8Array();
  const bytes = new Uint8Array(head.length + events.length + tail.length);
  bytes.set(head, 0);
  bytes.set(events, head.length);
  bytes.set(tail, head.length + events.length);
  return { bytes, eventsHash: events.length > 0 ? sha256(events) : new Uint8Array() };
}

/** A tx's events as committed in its TxInfo leaf: SHA-256 of their protobuf encoding (empty when none). */
export function eventsHash(events: Event[]): Uint8Array {
  if (events.length === 0) return new Uint8Array();
  return sha256(ExecTxResult.encode(ExecTxResult.fromPartial({ events })).finish());
}
