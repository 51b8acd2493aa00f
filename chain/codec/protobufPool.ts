import { BinaryWriter } from 'cosmjs-types/binary';
import { pooledBytes } from './bytePool.js';

/**
 * cosmjs-types' BinaryWriter.alloc builds a new 8 KiB pool on every call (`pool(...)(size)`), so each
 * `encode(...).finish()` allocates a whole slab for a few bytes: about a tenth of a transfer's CPU time and much
 * of its garbage. This replaces it, once per process, with the shared pool protobufjs intended (bytePool.ts): small
 * outputs are carved from a shared slab, large ones get their own buffer. The bytes are
 * identical; only who owns the backing ArrayBuffer changes (never transfer an encoded buffer to a worker).
 */
(BinaryWriter as unknown as { alloc: (size: number) => Uint8Array }).alloc = pooledBytes;
