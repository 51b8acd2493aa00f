/**
 * Inclusion paths (RFC 6962 / RFC 9162 audit paths; CometBFT calls them "aunts") in the simple Merkle
 * tree of chain/ledger/merkle.ts: the sibling hashes from a leaf up to the root. They are checked with
 * `verifyInclusion` / `rootFromInclusion` of chain/ledger/proofs.ts. Used for tx proofs against a block's
 * data_hash and for block parts against their part-set root.
 */
import { merkleRoot, nodeHash, splitPoint } from '../ledger/merkle.js';

/** The inclusion path of leaf `index` among `leafHashes` (already hashed leaves), leaf first. */
export function inclusionPath(leafHashes: readonly Uint8Array[], index: number): Uint8Array[] {
  if (index < 0 || index >= leafHashes.length) throw new RangeError(`leaf ${index} of ${leafHashes.length}`);
  if (leafHashes.length === 1) return [];
  const k = Number(splitPoint(BigInt(leafHashes.length)));
  if (index < k) return [...inclusionPath(leafHashes.slice(0, k), index), merkleRoot(leafHashes.slice(k))];
  return [...inclusionPath(leafHashes.slice(k), index - k), merkleRoot(leafHashes.slice(0, k))];
}

/**
 * Every leaf's inclusion path and the root, in one pass over the tree (n log n hashes less than asking
 * for each path on its own): what a block's proposer sends with its parts.
 */
export function allInclusionPaths(leafHashes: readonly Uint8Array[]): { root: Uint8Array; paths: Uint8Array[][] } {
  if (leafHashes.length === 0) throw new RangeError('a tree without leaves has no inclusion paths');
  const paths: Uint8Array[][] = leafHashes.map(() => []);
  const subtree = (lo: number, hi: number): Uint8Array => {
    if (hi - lo === 1) return leafHashes[lo]!;
    const mid = lo + Number(splitPoint(BigInt(hi - lo)));
    const left = subtree(lo, mid);
    const right = subtree(mid, hi);
    // the children's levels were appended first, so each path runs leaf first
    for (let i = lo; i < mid; i++) paths[i]!.push(right);
    for (let i = mid; i < hi; i++) paths[i]!.push(left);
    return nodeHash(left, right);
  };
  return { root: subtree(0, leafHashes.length).slice(), paths };
}
