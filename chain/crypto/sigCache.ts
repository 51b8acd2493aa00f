import { sha256Key } from './hash.js';

/**
 * Signatures this node has already verified (key = SHA-256 of pubkey, sign bytes and signature). A tx
 * checked at CheckTx is not verified again when its block executes, nor a vote when it comes back in a
 * block's last commit: verification is a pure function of those three inputs, so a hit can only ever stand
 * for a `true` that was computed. Node-local and bounded (oldest forgotten first); consensus results do not
 * depend on it (a miss just verifies).
 */
export class SigCache {
  private readonly seen = new Set<string>();
  constructor(private readonly capacity = 100_000) {}

  /** The cache key of one signature (compute it once when checking and then adding). */
  key(pubkey: Uint8Array, signBytes: Uint8Array, sig: Uint8Array): string {
    return sha256Key(pubkey, signBytes, sig);
  }

  has(pubkey: Uint8Array, signBytes: Uint8Array, sig: Uint8Array): boolean {
    return this.seen.has(this.key(pubkey, signBytes, sig));
  }

  add(pubkey: Uint8Array, signBytes: Uint8Array, sig: Uint8Array): void {
    this.addKey(this.key(pubkey, signBytes, sig));
  }

  hasKey(key: string): boolean {
    return this.seen.has(key);
  }

  addKey(key: string): void {
    if (this.seen.size >= this.capacity) {
      // drop the oldest entry (Sets iterate in insertion order)
      this.seen.delete(this.seen.values().next().value!);
    }
    this.seen.add(key);
  }
}
