import { generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import t from 'tap';
import * as c from '../../vm/imports/crypto.js';
import { WasmVm } from '../../vm/index.js';
import { contract, dec, testHost } from './fixtures.js';

const { CryptoCode: C } = c;
const hash = new Uint8Array(32).fill(7);

for (const [name, curve, verify, recover] of [
  ['secp256k1', secp256k1, c.secp256k1Verify, c.secp256k1Recover],
  ['secp256r1', p256, c.secp256r1Verify, c.secp256r1Recover],
] as const) {
  t.test(`${name} verify and recover`, async (t) => {
    const sk = curve.utils.randomSecretKey();
    const pub = curve.getPublicKey(sk, true);
    const full = curve.getPublicKey(sk, false);
    const sig = curve.sign(hash, sk, { prehash: false, format: 'recovered' });
    const compact = sig.subarray(1);
    t.equal(verify(hash, compact, pub), C.Valid);
    t.equal(verify(hash, compact, full), C.Valid);
    const high = curve.Signature.fromBytes(compact, 'compact');
    const flipped = new curve.Signature(high.r, curve.Point.Fn.ORDER - high.s).toBytes('compact');
    t.equal(verify(hash, flipped, pub), C.Valid, 'high-S accepted like CosmWasm');
    t.equal(verify(new Uint8Array(32).fill(8), compact, pub), C.Invalid);
    t.equal(verify(hash.subarray(1), compact, pub), C.InvalidHashFormat);
    t.equal(verify(hash, compact.subarray(1), pub), C.InvalidSignatureFormat);
    t.equal(verify(hash, compact, pub.subarray(1)), C.InvalidPubkeyFormat);
    t.equal(verify(hash, new Uint8Array(64), pub), C.GenericErr, 'r = s = 0');
    const rec = recover(hash, compact, sig[0]!);
    t.same('ok' in rec && Buffer.from(rec.ok), Buffer.from(full));
    const recHigh = recover(hash, flipped, sig[0]! ^ 1);
    t.same('ok' in recHigh && Buffer.from(recHigh.ok), Buffer.from(full), 'recovery normalises high S');
    t.same(recover(hash, compact, 2), { code: C.InvalidRecoveryParam });
    t.same(recover(hash.subarray(2), compact, 0), { code: C.InvalidHashFormat });
  });
}

t.test('ed25519 verify and batch verify', async (t) => {
  const keys = [0, 1, 2].map(() => generateKeyPairSync('ed25519'));
  const raw = keys.map((k) => new Uint8Array(k.publicKey.export({ format: 'der', type: 'spki' }).subarray(12)));
  const msgs = ['a', 'b', 'c'].map((m) => new TextEncoder().encode(m));
  const sigs = keys.map((k, i) => new Uint8Array(nodeSign(null, msgs[i]!, k.privateKey)));
  t.equal(c.ed25519Verify(msgs[0]!, sigs[0]!, raw[0]!), C.Valid);
  t.equal(c.ed25519Verify(msgs[1]!, sigs[0]!, raw[0]!), C.Invalid);
  t.equal(c.ed25519Verify(msgs[0]!, sigs[0]!.subarray(1), raw[0]!), C.InvalidSignatureFormat);
  t.equal(c.ed25519Verify(msgs[0]!, sigs[0]!, raw[0]!.subarray(1)), C.InvalidPubkeyFormat);
  t.equal(c.ed25519BatchVerify(msgs, sigs, raw), C.Valid);
  t.equal(c.ed25519BatchVerify(msgs, [sigs[0]!, sigs[2]!, sigs[1]!], raw), C.Invalid);
  t.equal(c.ed25519BatchVerify(msgs.slice(0, 2), sigs, raw), C.BatchErr);
  t.equal(c.ed25519BatchVerify([], [], []), C.Valid, 'an empty batch is valid');
  const one = keys[0]!;
  const sameKey = msgs.map((m) => new Uint8Array(nodeSign(null, m, one.privateKey)));
  t.equal(c.ed25519BatchVerify(msgs, sameKey, [raw[0]!]), C.Valid, 'one key, many messages');
  const sameMsg = keys.map((k) => new Uint8Array(nodeSign(null, msgs[0]!, k.privateKey)));
  t.equal(c.ed25519BatchVerify([msgs[0]!], sameMsg, raw), C.Valid, 'one message, many keys');
  const sections = c.encodeSections(msgs);
  t.same(c.decodeSections(sections)!.map((s) => dec(s)), ['a', 'b', 'c']);
  t.equal(c.decodeSections(Uint8Array.from([1, 0, 0, 0, 9])), undefined);
});

t.test('bls12-381 aggregation, pairing equality and hash to curve', async (t) => {
  const { G1, G2 } = bls12_381;
  const p = G1.Point.BASE.multiply(5n);
  const q = G1.Point.BASE.multiply(7n);
  const agg = c.bls12381AggregateG1(Buffer.concat([p.toBytes(), q.toBytes()]));
  t.same('ok' in agg && Buffer.from(agg.ok), Buffer.from(G1.Point.BASE.multiply(12n).toBytes()));
  t.same(c.bls12381AggregateG1(new Uint8Array(0)), { code: C.AggregationEmpty });
  t.same(c.bls12381AggregateG1(new Uint8Array(47)), { code: C.AggregationNotMultiple });
  t.same(c.bls12381AggregateG1(new Uint8Array(48).fill(0xff)), { code: C.InvalidPoint });
  const g2 = c.bls12381AggregateG2(Buffer.concat([G2.Point.BASE.toBytes(), G2.Point.BASE.toBytes()]));
  t.same('ok' in g2 && Buffer.from(g2.ok), Buffer.from(G2.Point.BASE.multiply(2n).toBytes()));
  // e(5·G1, 3·G2) == e(15·G1, G2)
  const ps = G1.Point.BASE.multiply(5n).toBytes();
  const qs = G2.Point.BASE.multiply(3n).toBytes();
  t.equal(c.bls12381PairingEquality(ps, qs, G1.Point.BASE.multiply(15n).toBytes(), G2.Point.BASE.toBytes()), C.Valid);
  t.equal(c.bls12381PairingEquality(ps, qs, G1.Point.BASE.multiply(16n).toBytes(), G2.Point.BASE.toBytes()), C.Invalid);
  t.equal(c.bls12381PairingEquality(ps.subarray(1), qs, ps, qs), C.NotMultipleG1);
  t.equal(c.bls12381PairingEquality(ps, qs.subarray(1), ps, qs), C.NotMultipleG2);
  t.equal(c.bls12381PairingEquality(Buffer.concat([ps, ps]), qs, ps, qs), C.UnequalPointAmount);
  const dst = new TextEncoder().encode('BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_');
  const h1 = c.bls12381HashToG1(0, new TextEncoder().encode('abc'), dst);
  t.same('ok' in h1 && Buffer.from(h1.ok), Buffer.from(G1.hashToCurve(new TextEncoder().encode('abc'), { DST: dst }).toBytes()));
  t.same(c.bls12381HashToG2(1, new Uint8Array(1), dst), { code: C.UnknownHashFunction });
  const h2 = c.bls12381HashToG2(0, new Uint8Array(1), dst);
  t.equal('ok' in h2 && h2.ok.length, 96);
});

t.test('crypto imports through the VM: codes reach the contract, gas is charged', async (t) => {
  // execute(hash, sig, pubkey) returns a one-byte Region: '0' + the verify code.
  const body = `(data (i32.const 2000) "\\34\\08\\00\\00\\01\\00\\00\\00\\01\\00\\00\\00")
    (func (export "execute") (param i32 i32 i32) (result i32)
      (i32.store8 (i32.const 2100) (i32.add (i32.const 48) (call $secp256k1_verify (local.get 0) (local.get 1) (local.get 2))))
      (i32.const 2000))`;
  const vm = new WasmVm();
  const { checksum } = vm.storeCode(contract(body));
  const sk = secp256k1.utils.randomSecretKey();
  const sig = secp256k1.sign(hash, sk, { prehash: false });
  const pub = secp256k1.getPublicKey(sk);
  const call = (args: Uint8Array[]) => vm.call(checksum, 'execute', args, testHost(), 10n ** 12n);
  const ok = call([hash, sig, pub]);
  t.equal(dec(ok.data), '0');
  t.ok(ok.gasUsed > BigInt(vm.schedule.secp256k1Verify));
  t.equal(dec(call([hash, sig, secp256k1.getPublicKey(secp256k1.utils.randomSecretKey())]).data), '1');
  t.equal(dec(call([hash, sig, pub.subarray(1)]).data), '5');
  t.throws(() => call([new Uint8Array(33), sig, pub]), { message: /message hash is 33 bytes, more than the limit of 32/ });
});
