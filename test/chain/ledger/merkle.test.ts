import t from 'tap';
import { sha256 } from '../../../chain/crypto/hash.js';
import {
  EMPTY_ROOT,
  bitLength,
  isPowerOfTwo,
  leafHash,
  merkleRoot,
  merkleRootOfItems,
  nodeHash,
  splitPoint,
} from '../../../chain/ledger/merkle.js';
import { CT_ENTRIES, CT_ROOTS, ReferenceTree, hex, sampleLeaves } from './rfc9162Reference.js';

t.test('hash domains follow RFC 9162', async (t) => {
  const a = Uint8Array.of(1, 2, 3);
  const b = Uint8Array.of(4, 5);
  t.equal(hex(leafHash(a)), hex(sha256(Uint8Array.of(0, 1, 2, 3))));
  t.equal(hex(nodeHash(a, b)), hex(sha256(Uint8Array.of(1, 1, 2, 3, 4, 5))));
  t.equal(hex(EMPTY_ROOT), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

t.test('Certificate Transparency reference tree heads, sizes 0..8', async (t) => {
  for (let n = 0; n <= CT_ENTRIES.length; n++) {
    t.equal(hex(merkleRootOfItems(CT_ENTRIES.slice(0, n))), CT_ROOTS[n], `size ${n}`);
  }
});

t.test('merkleRoot agrees with the recursive definition for sizes 0..130', async (t) => {
  const leaves = sampleLeaves(130);
  const ref = new ReferenceTree(leaves);
  for (let n = 0; n <= leaves.length; n++) {
    t.equal(hex(merkleRoot(leaves.slice(0, n))), hex(ref.mth(0, n)), `size ${n}`);
  }
});

t.test('merkleRoot returns a fresh array and leaves its input alone', async (t) => {
  const leaves = sampleLeaves(1);
  const root = merkleRoot(leaves);
  root[0]! ^= 0xff;
  t.not(hex(root), hex(leaves[0]!));
  const empty = merkleRoot([]);
  empty[0]! ^= 0xff;
  t.equal(hex(merkleRoot([])), CT_ROOTS[0], 'EMPTY_ROOT is not exposed through merkleRoot');
});

t.test('tree-shape arithmetic', async (t) => {
  t.equal(bitLength(0n), 0);
  t.equal(bitLength(1n), 1);
  t.equal(bitLength(255n), 8);
  t.equal(bitLength(256n), 9);
  t.equal(bitLength(1n << 40n), 41);
  t.equal(bitLength((1n << 64n) - 1n), 64);
  for (const [n, k] of [
    [2n, 1n],
    [3n, 2n],
    [4n, 2n],
    [5n, 4n],
    [8n, 4n],
    [9n, 8n],
    [(1n << 40n) + 1n, 1n << 40n],
    [1n << 40n, 1n << 39n],
  ] as const) {
    t.equal(splitPoint(n), k, `split of ${n}`);
  }
  t.ok(isPowerOfTwo(1n) && isPowerOfTwo(1n << 63n));
  t.notOk(isPowerOfTwo(0n) || isPowerOfTwo(3n) || isPowerOfTwo(-2n));
});
