/**
 * Short-lived byte outputs carved from shared slabs, as Node's Buffer pool does for small buffers. A block
 * encodes several small rows per tx (accounts, tree nodes, results, ledger entries) that live until the block's
 * LMDB transaction ends; giving each its own ArrayBuffer cost a malloc, a free and a sweep by V8 per row.
 *
 * The catch is the same as Node's: a view keeps its whole slab alive, and `.buffer` is the shared slab (use
 * byteOffset/byteLength; never transfer it to a worker). So only outputs that are written out and dropped (or
 * kept briefly) should come from here, never values that a long-lived cache holds.
 */
const SLAB = 64 * 1024;
const MAX_POOLED = 4 * 1024;
let slab = new Uint8Array(SLAB);
let offset = 0;

/**
 * `size` bytes from the current slab. Slabs are never reused, so the bytes are zero, but callers are meant to
 * write every byte anyway.
 */
export function pooledBytes(size: number): Uint8Array {
  if (size < 1 || size > MAX_POOLED) return new Uint8Array(size);
  if (offset + size > SLAB) {
    slab = new Uint8Array(SLAB);
    offset = 0;
  }
  const out = slab.subarray(offset, offset + size);
  offset = (offset + size + 7) & ~7; // 8-byte aligned, as DataView users of the rows may like
  return out;
}
