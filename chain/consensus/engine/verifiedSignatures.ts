import { verifyEd25519 } from '../../crypto/ed25519.js';
import { SigCache } from '../../crypto/sigCache.js';
import type { Ed25519Verify } from '../types/vote.js';

/**
 * Ed25519 checks this node already passed, remembered by SHA-256 of key, message and signature: a block's
 * last commit repeats the precommits the node counted as votes a moment before, and a vote relayed again
 * after a peer reconnects is the same bytes. A hit stands only for a `true` that was computed from these
 * exact inputs; failures are never remembered. Bounded (oldest forgotten first); node-local.
 */
export class VerifiedSignatures {
  private readonly seen: SigCache;

  constructor(
    capacity = 4096,
    private readonly verifyOnce: Ed25519Verify = verifyEd25519,
  ) {
    this.seen = new SigCache(capacity);
  }

  /** The check itself, for the consensus types' `verify` parameters. */
  readonly verify: Ed25519Verify = (pubKey, message, signature) => {
    const key = this.seen.key(pubKey, message, signature);
    if (this.seen.hasKey(key)) return true;
    if (!this.verifyOnce(pubKey, message, signature)) return false;
    this.seen.addKey(key);
    return true;
  };
}
