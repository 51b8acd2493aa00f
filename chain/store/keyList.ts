/**
 * A list of byte strings as one row's value: uint16be(length) ++ bytes, repeated. Per-height bookkeeping (the
 * state-tree nodes that went stale at a height, the state keys changed at it) is read back only as a whole by
 * pruning, so it is written as one row per height instead of one row per key: a block of 2,000 transfers
 * otherwise wrote ~10,000 empty-valued rows, each a full LMDB put.
 */
const MAX_ITEM = 0xffff;

export function encodeKeyList(items: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const it of items) {
    if (it.length > MAX_ITEM) throw new RangeError(`key list item of ${it.length} bytes exceeds ${MAX_ITEM}`);
    size += 2 + it.length;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const it of items) {
    out[at] = it.length >>> 8;
    out[at + 1] = it.length & 0xff;
    out.set(it, at + 2);
    at += 2 + it.length;
  }
  return out;
}

export function decodeKeyList(value: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < value.length) {
    if (at + 2 > value.length) throw new RangeError('key list: truncated length');
    const len = (value[at]! << 8) | value[at + 1]!;
    const end = at + 2 + len;
    if (end > value.length) throw new RangeError('key list: truncated item');
    out.push(value.subarray(at + 2, end));
    at = end;
  }
  return out;
}
