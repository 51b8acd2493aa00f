import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { signEd25519, verifyEd25519, ed25519PublicKey } from '../../../../chain/crypto/ed25519.js';
import { VerifiedSignatures } from '../../../../chain/consensus/engine/verifiedSignatures.js';

const seed = new Uint8Array(generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(16));
const pub = ed25519PublicKey(seed);
const msg = (s: string) => new TextEncoder().encode(s);

function counting(capacity?: number) {
  let calls = 0;
  const v = new VerifiedSignatures(capacity, (p, m, s) => (calls++, verifyEd25519(p, m, s)));
  return { verify: v.verify, calls: () => calls };
}

t.test('a valid signature is verified once, then recognised', async (t) => {
  const c = counting();
  const sig = signEd25519(seed, msg('precommit'));
  t.ok(c.verify(pub, msg('precommit'), sig));
  t.ok(c.verify(pub, msg('precommit'), sig));
  t.equal(c.calls(), 1, 'the second check is a lookup');
});

t.test('failures are never remembered, and a cached signature does not vouch for another message or key', async (t) => {
  const c = counting();
  const sig = signEd25519(seed, msg('prevote'));
  t.ok(c.verify(pub, msg('prevote'), sig));
  t.notOk(c.verify(pub, msg('prevote for another block'), sig), 'same signature, other message');
  const other = ed25519PublicKey(new Uint8Array(32).fill(7));
  t.notOk(c.verify(other, msg('prevote'), sig), 'same signature, other key');
  const bad = new Uint8Array(sig);
  bad[5] ^= 1;
  t.notOk(c.verify(pub, msg('prevote'), bad));
  t.notOk(c.verify(pub, msg('prevote'), bad), 'still false');
  t.equal(c.calls(), 5, 'every miss verified');
});

t.test('bounded: the oldest entries are forgotten first', async (t) => {
  const c = counting(2);
  const sigs = ['a', 'b', 'c'].map((s) => signEd25519(seed, msg(s)));
  ['a', 'b', 'c'].forEach((s, i) => c.verify(pub, msg(s), sigs[i]!));
  c.verify(pub, msg('c'), sigs[2]!);
  t.equal(c.calls(), 3, 'c still known');
  c.verify(pub, msg('a'), sigs[0]!);
  t.equal(c.calls(), 4, 'a was evicted and verified again');
});
