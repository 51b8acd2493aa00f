import type { ExecTxResult, Event } from 'cosmjs-types/tendermint/abci/types';
import { encodeProto, type ProtoWriter } from '../codec/protoWriter.js';
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

/** Events as repeated field 7 of ExecTxResult (tendermint.abci.Event), byte for byte as cosmjs-types writes them. */
function writeEvents(w: ProtoWriter, events: readonly Event[]): void {
  for (const e of events) {
    w.tag(7, 2);
    const event = w.beginDelimited();
    if (e.type !== '') w.tag(1, 2).string(e.type);
    for (const a of e.attributes) {
      w.tag(2, 2);
      const attribute = w.beginDelimited();
      if (a.key !== '') w.tag(1, 2).string(a.key);
      if (a.value !== '') w.tag(2, 2).string(a.value);
      if (a.index === true) w.tag(3, 0).varint(1);
      w.endDelimited(attribute);
    }
    w.endDelimited(event);
  }
}

/**
 * A tx result's stored bytes (ExecTxResult protobuf, as cosmjs-types encodes it) and its events hash, with the
 * events encoded once: an encoding writes fields in number order, so that of {events} (field 7) is exactly the
 * middle of the whole, between fields 1-6 and field 8.
 */
export function encodeTxResult(result: ExecTxResult): { bytes: Uint8Array; eventsHash: Uint8Array } {
  let eventsStart = 0;
  let eventsEnd = 0;
  const bytes = encodeProto((w) => {
    if (result.code !== 0) w.tag(1, 0).varint(result.code);
    if (result.data.length !== 0) w.tag(2, 2).bytes(result.data);
    if (result.log !== '') w.tag(3, 2).string(result.log);
    if (result.info !== '') w.tag(4, 2).string(result.info);
    if (result.gasWanted !== 0n) w.tag(5, 0).varint64(result.gasWanted);
    if (result.gasUsed !== 0n) w.tag(6, 0).varint64(result.gasUsed);
    eventsStart = w.length;
    writeEvents(w, result.events);
    eventsEnd = w.length;
    if (result.codespace !== '') w.tag(8, 2).string(result.codespace);
  });
  return { bytes, eventsHash: eventsEnd > eventsStart ? sha256(bytes.subarray(eventsStart, eventsEnd)) : new Uint8Array() };
}

/** A tx's events as committed in its TxInfo leaf: SHA-256 of their protobuf encoding (empty when none). */
export function eventsHash(events: Event[]): Uint8Array {
  if (events.length === 0) return new Uint8Array();
  return sha256(encodeProto((w) => writeEvents(w, events)));
}
