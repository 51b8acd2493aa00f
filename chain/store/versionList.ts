import { writeU64be } from './buckets.js';

/**
 * A list of ledger versions as an index row's value: uint64be each, ascending. Index rows that are keyed by
 * block height (one row per attribute per block) list the block's txs that carry the attribute.
 */
export function encodeVersionList(versions: readonly (bigint | number)[]): Uint8Array {
  const out = new Uint8Array(8 * versions.length);
  for (let i = 0; i < versions.length; i++) writeU64be(out, 8 * i, versions[i]!);
  return out;
}

export function decodeVersionList(value: Uint8Array): bigint[] {
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const out: bigint[] = [];
  for (let at = 0; at + 8 <= value.length; at += 8) out.push(view.getBigUint64(at));
  return out;
}
