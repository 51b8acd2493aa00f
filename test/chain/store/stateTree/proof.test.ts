import fc from 'fast-check';
import t from 'tap';
import {
  EMPTY_HASH,
  EMPTY_ROOT,
  ErrInvalidProof,
  ErrMissingNode,
  MAX_SIBLINGS,
  type StateProof,
  decodeProof,
  encodeProof,
  provenValueHash,
  verifyProof,
} from '../../../../chain/store/stateTree/index.js';
import { Harness, arbBatch, keyHash, valueHash } from './helpers.js';
import { ReferenceModel } from './referenceModel.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const flip = (b: Uint8Array, i = 0) => {
  const c = b.slice();
  c[i % c.length]! ^= 1;
  return c;
};

t.test('proofs of present and absent keys at several versions equal the naive ones and verify', (t) => {
  fc.assert(
    fc.property(fc.array(arbBatch(48, 40), { minLength: 1, maxLength: 6 }), (batches) => {
      const h = new Harness();
      const m = new ReferenceModel();
      const models: ReferenceModel[] = [];
      for (const b of batches) {
        m.apply(b);
        h.apply(b);
        models.push(m.clone());
      }
      for (let v = 0; v < models.length; v++) {
        const version = BigInt(v + 1);
        const model = models[v]!;
        const root = h.tree.getRoot(version);
        for (let k = 0; k < 56; k++) {
          // keys 48..55 were never inserted: always non-existence
          const kh = keyHash(k);
          const proof = h.tree.getProof(version, kh);
          if (hex(encodeProof(proof)) !== hex(encodeProof(model.proof(kh)))) return false;
          const value = model.get(kh);
          const shown = provenValueHash(proof, kh);
          if ((shown && hex(shown)) !== (value && hex(value))) return false;
          if (!verifyProof(root, kh, value, proof)) return false;
          if (!verifyProof(root, kh, value, encodeProof(proof))) return false;
          // the opposite claim never verifies
          if (verifyProof(root, kh, value ? null : valueHash(1), proof)) return false;
        }
      }
      return true;
    }),
    { numRuns: 40 },
  );
  t.end();
});

/** A tree with enough keys for deep proofs, plus one present and one absent key. */
function fixture() {
  const h = new Harness();
  h.apply(Array.from({ length: 2000 }, (_, i) => ({ keyHash: keyHash(i), valueHash: valueHash(i % 300) })));
  const root = h.tree.getRoot(1n);
  const present = keyHash(1234);
  const absent = keyHash(5000);
  return { h, root, present, absent, presentProof: h.tree.getProof(1n, present), absentProof: h.tree.getProof(1n, absent) };
}

t.test('tampering with value, key, leaf, sibling or root makes verification fail', (t) => {
  const { root, present, absent, presentProof, absentProof } = fixture();
  const value = valueHash(1234 % 300);
  t.ok(verifyProof(root, present, value, presentProof));
  t.ok(verifyProof(root, absent, null, absentProof));
  t.ok(presentProof.siblings.length > 4, `proof depth ${presentProof.siblings.length}`);

  t.notOk(verifyProof(root, present, valueHash(299 - (1234 % 300)), presentProof), 'other value');
  t.notOk(verifyProof(root, present, null, presentProof), 'present key claimed absent');
  t.notOk(verifyProof(root, keyHash(1235), value, presentProof), 'other key');
  t.notOk(verifyProof(flip(root), present, value, presentProof), 'other root');
  t.notOk(verifyProof(root, absent, valueHash(1), absentProof), 'absent key claimed present');
  t.notOk(verifyProof(flip(root, 31), absent, null, absentProof), 'non-existence under other root');
  for (let i = 0; i < presentProof.siblings.length; i++) {
    const siblings = presentProof.siblings.slice();
    siblings[i] = flip(siblings[i]!, i);
    if (verifyProof(root, present, value, { ...presentProof, siblings })) t.fail(`sibling ${i} tampered`);
  }
  const leaf = presentProof.leaf!;
  t.notOk(verifyProof(root, present, value, { ...presentProof, leaf: { ...leaf, valueHash: flip(leaf.valueHash) } }));
  t.notOk(verifyProof(root, present, value, { ...presentProof, siblings: presentProof.siblings.slice(1) }), 'shorter');
  t.notOk(verifyProof(root, present, value, { ...presentProof, siblings: [...presentProof.siblings, EMPTY_HASH] }), 'longer');
  // a present key's leaf cannot be passed off as a non-existence proof of itself or of a key off its path
  t.notOk(verifyProof(root, present, null, presentProof));
  t.notOk(verifyProof(root, absent, null, presentProof));
  t.end();
});

t.test('a non-existence proof ends either in an empty subtree or at a neighbouring leaf', (t) => {
  const { h, root } = fixture();
  let emptyEnds = 0;
  let leafEnds = 0;
  const failed: number[] = [];
  for (let k = 3000; k < 3400; k++) {
    const proof = h.tree.getProof(1n, keyHash(k));
    if (!verifyProof(root, keyHash(k), null, proof)) failed.push(k);
    if (proof.leaf) leafEnds++;
    else emptyEnds++;
  }
  t.same(failed, [], 'all verify');
  t.ok(emptyEnds > 0 && leafEnds > 0, `${emptyEnds} empty, ${leafEnds} leaf`);
  t.end();
});

t.test('old versions stay provable until pruned', (t) => {
  const h = new Harness();
  const m = new ReferenceModel();
  const roots: Uint8Array[] = [];
  const models: ReferenceModel[] = [];
  for (let v = 1; v <= 6; v++) {
    const batch = Array.from({ length: 120 }, (_, i) => {
      const k = (v * 37 + i * 7) % 400;
      return { keyHash: keyHash(k), valueHash: (k + v) % 5 === 0 ? null : valueHash(v) };
    });
    m.apply(batch);
    roots.push(h.apply(batch).root);
    models.push(m.clone());
  }
  const check = (v: number) => {
    for (let k = 0; k < 400; k += 3) {
      const kh = keyHash(k);
      if (!verifyProof(roots[v - 1]!, kh, models[v - 1]!.get(kh), h.tree.getProof(BigInt(v), kh))) return false;
    }
    return true;
  };
  for (let v = 1; v <= 6; v++) t.ok(check(v), `version ${v} before pruning`);
  const before = h.store.size;
  const deleted = h.store.prune(4n);
  t.ok(deleted > 0 && h.store.size === before - deleted);
  for (let v = 4; v <= 6; v++) t.ok(check(v), `version ${v} after pruning below 4`);
  for (let v = 1; v <= 3; v++) {
    try {
      h.tree.getProof(BigInt(v), keyHash(0));
      t.fail(`version ${v} should be pruned`);
    } catch (e) {
      t.ok(ErrMissingNode.is(e), `version ${v} is gone`);
    }
  }
  t.end();
});

t.test('the empty tree proves every key absent', (t) => {
  const h = new Harness();
  h.apply([]);
  const proof = h.tree.getProof(1n, keyHash(1));
  t.same(proof, { leaf: null, siblings: [] });
  t.ok(verifyProof(EMPTY_ROOT, keyHash(1), null, proof));
  t.notOk(verifyProof(EMPTY_ROOT, keyHash(1), valueHash(1), proof));
  t.equal(hex(encodeProof(proof)), '000000');
  t.end();
});

t.test('proof encoding', (t) => {
  const { presentProof, absentProof } = fixture();
  for (const p of [presentProof, absentProof]) {
    const bytes = encodeProof(p);
    t.same(decodeProof(bytes), p, 'round trip');
    const empties = p.siblings.filter((s) => hex(s) === hex(EMPTY_HASH)).length;
    const leafBytes = p.leaf ? 64 : 0;
    t.equal(bytes.length, 1 + leafBytes + 2 + Math.ceil(p.siblings.length / 8) + 32 * (p.siblings.length - empties));
  }
  const bytes = encodeProof(presentProof);
  const bad: Array<[string, Uint8Array]> = [
    ['truncated', bytes.subarray(0, bytes.length - 1)],
    ['trailing byte', Uint8Array.of(...bytes, 0)],
    ['unknown flag', Uint8Array.of(0x02, 0, 0)],
    ['too many siblings', Uint8Array.of(0, 0x01, 0x01, ...new Uint8Array(33))],
    ['padding bit set', Uint8Array.of(0, 0, 1, 0x01)],
    ['empty sibling marked present', Uint8Array.of(0, 0, 1, 0x80, ...EMPTY_HASH)],
    ['too short', Uint8Array.of(0)],
  ];
  for (const [why, b] of bad) {
    t.throws(() => decodeProof(b), { codespace: 'statetree', code: ErrInvalidProof.code }, why);
  }
  t.throws(() => encodeProof({ leaf: null, siblings: new Array(MAX_SIBLINGS + 1).fill(EMPTY_HASH) }));
  t.end();
});

t.test('verifyProof never throws on hostile input', (t) => {
  const { root, present, presentProof } = fixture();
  const encoded = encodeProof(presentProof);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(encoded.length - 1), fc.nat(255), (junk, at, byte) => {
      verifyProof(root, present, null, junk);
      const mutated = encoded.slice();
      mutated[at] = byte;
      const ok = verifyProof(root, present, valueHash(1234 % 300), mutated);
      // a mutation verifies only if it changed nothing
      return !ok || byte === encoded[at];
    }),
    { numRuns: 300 },
  );
  const hostile: unknown[] = [
    null,
    undefined,
    {},
    { leaf: null },
    { leaf: 5, siblings: [] },
    { leaf: { keyHash: 'x', valueHash: [] }, siblings: [] },
    { leaf: null, siblings: [new Uint8Array(31)] },
    { leaf: null, siblings: 'abc' },
    { leaf: null, siblings: new Array(300).fill(EMPTY_HASH) },
    { leaf: null, get siblings() { throw new Error('boom'); } },
  ];
  for (const p of hostile) t.equal(verifyProof(root, present, null, p as StateProof), false);
  t.equal(verifyProof(new Uint8Array(3), present, null, presentProof), false);
  t.equal(verifyProof(root, new Uint8Array(0), null, presentProof), false);
  t.equal(verifyProof(root, present, new Uint8Array(5), presentProof), false);
  t.equal(verifyProof(null as unknown as Uint8Array, present, null, presentProof), false);
  t.end();
});
