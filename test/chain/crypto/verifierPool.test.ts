import t from 'tap';
import { randomBytes } from 'node:crypto';
import { ed25519PublicKey, signEd25519 } from '../../../chain/crypto/ed25519.js';
import { secp256k1PublicKey, signSecp256k1 } from '../../../chain/crypto/secp256k1.js';
import { VerifierPool } from '../../../chain/crypto/verifierPool.js';
import { packChecks, unpackChecks, type SignatureCheck } from '../../../chain/crypto/verifyBatch.js';

function check(algo: 'ed25519' | 'secp256k1', message: Uint8Array): SignatureCheck {
  const priv = new Uint8Array(randomBytes(32));
  return algo === 'ed25519'
    ? { algo, key: ed25519PublicKey(priv), message, signature: signEd25519(priv, message) }
    : { algo, key: secp256k1PublicKey(priv), message, signature: signSecp256k1(priv, message) };
}

t.test('a batch packs into one buffer and unpacks to the same checks', async (t) => {
  const checks = [check('ed25519', new Uint8Array(0)), check('secp256k1', new Uint8Array(randomBytes(300)))];
  const back = unpackChecks(packChecks(checks));
  t.equal(back.length, 2);
  back.forEach((c, i) => {
    t.equal(c.algo, checks[i]!.algo);
    t.same([...c.key], [...checks[i]!.key]);
    t.same([...c.message], [...checks[i]!.message]);
    t.same([...c.signature], [...checks[i]!.signature]);
  });
  t.throws(() => packChecks([{ ...checks[0]!, signature: new Uint8Array(256) }]), /too long/);
});

t.test('workers verify both algorithms: valid, forged, wrong message and unusable keys', async (t) => {
  const pool = new VerifierPool(2);
  t.teardown(() => pool.close());
  const msg = new Uint8Array(randomBytes(120));
  const good = [check('ed25519', msg), check('secp256k1', msg), check('ed25519', new Uint8Array([1, 2, 3]))];
  const forged = { ...good[0]!, signature: good[0]!.signature.map((b, i) => (i === 5 ? b ^ 1 : b)) };
  const otherMessage = { ...good[1]!, message: new Uint8Array([9]) };
  const badKey = { ...good[1]!, key: new Uint8Array(33) }; // not a point: verifyWithPubKey throws, the pool answers 0
  const ok = await pool.verify([...good, forged, otherMessage, badKey]);
  t.same([...ok], [1, 1, 1, 0, 0, 0]);
  t.same([...(await pool.verify([]))], []);
  // a large batch is split over the workers and comes back in order
  const many = Array.from({ length: 50 }, (_, i) => (i % 7 === 0 ? forged : check(i % 2 ? 'ed25519' : 'secp256k1', msg)));
  t.same([...(await pool.verify(many))], many.map((_, i) => (i % 7 === 0 ? 0 : 1)));
});

t.test('a closed pool refuses work', async (t) => {
  const pool = new VerifierPool(1);
  await pool.close();
  await t.rejects(pool.verify([check('ed25519', new Uint8Array(1))]), /closed/);
});

t.test('a pool whose worker died fails every call at once instead of leaving it waiting', async (t) => {
  const pool = new VerifierPool(1);
  t.teardown(() => pool.close());
  const c = check('ed25519', new Uint8Array([7]));
  t.same([...(await pool.verify([c]))], [1]);
  await (pool as unknown as { workers: Array<{ thread: { terminate(): Promise<number> } }> }).workers[0]!.thread.terminate();
  await t.rejects(pool.verify([c]), /signature worker exited/);
});
