import t from 'tap';
import { HashOp, LengthOp, ProofSpec, type ExistenceProof } from 'cosmjs-types/cosmos/ics23/v1/proofs';
import { sha256 } from '../../../../chain/crypto/hash.js';
import {
  STATE_TREE_PROOF_SPEC,
  encodeStateTreeProofSpec,
  toIcs23ExistenceProof,
} from '../../../../chain/store/stateTree/index.js';
import { Harness } from './helpers.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const startsWith = (a: Uint8Array, p: Uint8Array) => a.length >= p.length && hex(a.subarray(0, p.length)) === hex(p);

/** A minimal ICS23 existence check written from the ICS23 spec: spec conformance, then the hash chain. */
function ics23Root(spec: ProofSpec, proof: ExistenceProof): Uint8Array | null {
  const leafSpec = spec.leafSpec!;
  const inner = spec.innerSpec!;
  const leaf = proof.leaf!;
  if (leaf.hash !== leafSpec.hash || leaf.prehashKey !== leafSpec.prehashKey) return null;
  if (leaf.prehashValue !== leafSpec.prehashValue || leaf.length !== leafSpec.length) return null;
  if (!startsWith(leaf.prefix, leafSpec.prefix)) return null;
  if (spec.maxDepth > 0 && proof.path.length > spec.maxDepth) return null;
  if (leaf.hash !== HashOp.SHA256 || leaf.length !== LengthOp.NO_PREFIX) return null;
  let h = sha256(leaf.prefix, sha256(proof.key), sha256(proof.value));
  for (const op of proof.path) {
    if (op.hash !== inner.hash || startsWith(op.prefix, leafSpec.prefix)) return null;
    if (op.prefix.length < inner.minPrefixLength) return null;
    if (op.prefix.length > inner.maxPrefixLength + inner.childSize * (inner.childOrder.length - 1)) return null;
    if (op.suffix.length % inner.childSize !== 0) return null;
    h = sha256(op.prefix, h, op.suffix);
  }
  return h;
}

t.test('existence proofs convert to ICS23 proofs that compute the same root', (t) => {
  const h = new Harness();
  const kv = Array.from({ length: 400 }, (_, i) => ({
    key: new TextEncoder().encode(`bank/balances/${i}`),
    value: new TextEncoder().encode(`${i * 1000}uviv`),
  }));
  h.apply(kv.map(({ key, value }) => ({ keyHash: sha256(key), valueHash: sha256(value) })));
  const root = h.tree.getRoot(1n);
  let checked = 0;
  for (const { key, value } of kv.slice(0, 50)) {
    const ics = toIcs23ExistenceProof(key, value, h.tree.getProof(1n, sha256(key)));
    const got = ics23Root(STATE_TREE_PROOF_SPEC, ics);
    if (got && hex(got) === hex(root)) checked++;
    const tampered = { ...ics, value: new TextEncoder().encode('1uviv') };
    if (hex(ics23Root(STATE_TREE_PROOF_SPEC, tampered) ?? new Uint8Array(0)) === hex(root)) t.fail('tampered value');
  }
  t.equal(checked, 50);
  t.throws(() => toIcs23ExistenceProof(kv[0]!.key, kv[1]!.value, h.tree.getProof(1n, sha256(kv[0]!.key))));
  t.end();
});

t.test('the spec as protobuf carries prehash_key_before_comparison', (t) => {
  const bytes = encodeStateTreeProofSpec();
  t.same(bytes.subarray(bytes.length - 2), Uint8Array.of(0x28, 0x01));
  const decoded = ProofSpec.decode(bytes);
  t.equal(decoded.maxDepth, 256);
  t.equal(hex(decoded.leafSpec!.prefix), hex(new TextEncoder().encode('VIVIAN:StateLeaf')));
  t.equal(decoded.innerSpec!.minPrefixLength, 16);
  t.equal(hex(decoded.innerSpec!.emptyChild), '00'.repeat(32));
  t.end();
});
