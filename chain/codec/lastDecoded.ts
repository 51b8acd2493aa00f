/**
 * A decoder with a one-entry cache keyed by content: module params are read by every tx but change rarely,
 * so decoding the same bytes again is wasted work. The store read itself (and its gas) still happens at every
 * call site; only the decode is skipped. The value is shared between callers: treat it as read-only.
 */
export function lastDecoded<T>(decode: (bytes: Uint8Array) => T): (bytes: Uint8Array) => T {
  let lastInput: Uint8Array | undefined;
  let lastBytes: Uint8Array | undefined;
  let last: T;
  return (bytes) => {
    // the same value object again (a branch hands out what it holds; stored values are never mutated)
    if (bytes === lastInput) return last;
    if (lastBytes !== undefined && Buffer.compare(bytes, lastBytes) === 0) {
      lastInput = bytes;
      return last;
    }
    const value = decode(bytes);
    lastInput = bytes;
    lastBytes = bytes.slice();
    last = value;
    return value;
  };
}
