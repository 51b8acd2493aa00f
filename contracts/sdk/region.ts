// Regions: the ABI's {offset, capacity, length} (three little-endian u32) describing a buffer in linear memory.
// The contract allocates every Region the VM reads or writes; `allocate`/`deallocate` are exported for the VM.

const REGION_SIZE: usize = 12;

/** Exported: a Region with `size` bytes of capacity (the VM calls it to hand data to the contract). */
export function allocate(size: usize): usize {
  const data = heap.alloc(size);
  const region = heap.alloc(REGION_SIZE);
  store<u32>(region, <u32>data);
  store<u32>(region, <u32>size, 4);
  store<u32>(region, 0, 8);
  return region;
}

/** Exported: frees a Region and its buffer. */
export function deallocate(region: usize): void {
  heap.free(<usize>load<u32>(region));
  heap.free(region);
}

/** Copies a Region's bytes into a new buffer (and frees the Region: the contract owns it now). */
export function consumeRegion(region: usize): Uint8Array {
  const offset = <usize>load<u32>(region);
  const length = <i32>load<u32>(region, 8);
  const out = new Uint8Array(length);
  memory.copy(out.dataStart, offset, length);
  deallocate(region);
  return out;
}

/** A Region pointing at `bytes` (not copied: keep `bytes` alive while the VM reads it). */
export function regionOf(bytes: Uint8Array): usize {
  const region = heap.alloc(REGION_SIZE);
  store<u32>(region, <u32>bytes.dataStart);
  store<u32>(region, <u32>bytes.length, 4);
  store<u32>(region, <u32>bytes.length, 8);
  return region;
}

/** A Region with its own copy of `bytes`, for results the VM reads and then deallocates. */
export function releaseRegion(bytes: Uint8Array): usize {
  const region = allocate(bytes.length);
  memory.copy(<usize>load<u32>(region), bytes.dataStart, bytes.length);
  store<u32>(region, <u32>bytes.length, 8);
  return region;
}

/** An empty Region with `capacity` bytes, for the host to write into (addr_canonicalize, addr_humanize). */
export function emptyRegion(capacity: usize): usize {
  return allocate(capacity);
}

export function regionLength(region: usize): u32 {
  return load<u32>(region, 8);
}

export function utf8(s: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(s));
}

export function fromUtf8(b: Uint8Array): string {
  return String.UTF8.decodeUnsafe(b.dataStart, b.length);
}
