/**
 * A decoder with a one-entry cache keyed by content: module params are read by every tx but change rarely,
 * so decoding the same bytes again is wasted work. The store read itself (and its gas) still happens at every
 * call site; only the decode is skipped. The value is shared between callers: treat it as read-only.
 */
export function lastDecoded<T>(decode: (bytes: Uint8Array) => T): (bytes: Uint8Array) => T {
  let lastBytes: Uint8Array | undefined;
  let last: T;
  return (bytes) => {
    if (lastBytes !== undefined && Buffer.compare(bytes, lastBytes) === 0) return last;
    const value = decode(bytes);
    lastBytes = bytes.slice();
    last = value;
    return value;
  };
}
