import { BinaryWriter } from 'cosmjs-types/binary';

/**
 * cosmjs-types' BinaryWriter.alloc builds a new 8 KiB pool on every call (`pool(...)(size)`), so each
 * `encode(...).finish()` allocates a whole slab for a few bytes: about a tenth of a transfer's CPU time and much
 * of its garbage. This replaces it, once per process, with the single shared pool protobufjs intended: small
 * outputs are carved from one 8 KiB slab (aligned to 8 bytes), large ones get their own buffer. The bytes are
 * identical; only who owns the backing ArrayBuffer changes (never transfer an encoded buffer to a worker).
 */
const SLAB = 8192;
const MAX_POOLED = SLAB >>> 1;
let slab = new Uint8Array(SLAB);
let offset = 0;

function pooledAlloc(size: number): Uint8Array {
  if (size < 1 || size > MAX_POOLED) return new Uint8Array(size);
  if (offset + size > SLAB) {
    slab = new Uint8Array(SLAB);
    offset = 0;
  }
  const out = slab.subarray(offset, offset + size);
  offset = (offset + size + 7) & ~7;
  return out;
}

(BinaryWriter as unknown as { alloc: (size: number) => Uint8Array }).alloc = pooledAlloc;
