import t from 'tap';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { sha256, sha256Key, txHash } from '../../../chain/crypto/hash.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const reference = (parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

t.test('sha256: the standard vectors', async (t) => {
  t.equal(hex(sha256()), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  t.equal(hex(sha256(new TextEncoder().encode('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  t.equal(hex(sha256(new TextEncoder().encode('a'), new TextEncoder().encode('bc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'parts are concatenated');
});

t.test('sha256 and sha256Key agree with node:crypto for any parts, short or longer than the scratch space', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 3000 }), { maxLength: 4 }), (parts) => {
      const want = reference(parts);
      return hex(sha256(...parts)) === want && Buffer.from(sha256Key(...parts), 'latin1').toString('hex') === want;
    }),
    { numRuns: 300 },
  );
  t.equal(sha256Key(Uint8Array.of(1)).length, 32, 'a key is 32 characters');
});

t.test('txHash: the SHA-256 of the bytes, computed once per byte array', async (t) => {
  const tx = new TextEncoder().encode('a tx');
  const h = txHash(tx);
  t.equal(hex(h), reference([tx]));
  t.equal(txHash(tx), h, 'the same array gives the remembered hash');
  const copy = Uint8Array.from(tx);
  t.not(txHash(copy), h, 'another array is hashed on its own');
  t.equal(hex(txHash(copy)), hex(h));
});
