import t from 'tap';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { ed25519PublicKey, signEd25519 } from '../../../chain/crypto/ed25519.js';
import { secp256k1PublicKey, signSecp256k1 } from '../../../chain/crypto/secp256k1.js';
import { VerifierPool } from '../../../chain/crypto/verifierPool.js';
import { CHUNK_WEIGHT, SharedBatch, checkSignature, packChecks, unpackChecks, type SignatureCheck } from '../../../chain/crypto/verifyBatch.js';
import { EMBEDDING_TASK, packEmbeddingJobs } from '../../../chain/app/txPrecompute.js';

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

t.test('a shared batch is cut into ~1 ms chunks by weight; chunks run on any thread fill the same results', async (t) => {
  const msg = new Uint8Array(randomBytes(64));
  const ed = Array.from({ length: 40 }, () => check('ed25519', msg));
  const secp = Array.from({ length: 10 }, () => check('secp256k1', msg));
  const forged = { ...secp[0]!, message: new Uint8Array([1]) };
  const checks = [...ed, ...secp, forged];
  const batch = SharedBatch.fromChecks(checks);
  // ed25519 weighs 1, secp256k1 4: chunks of 16 ed, 16 ed, 8 ed + 2 secp, 4 secp, 4 secp, and the forged one
  t.equal(batch.message.chunks, Math.ceil((40 * 1 + 11 * 4) / CHUNK_WEIGHT));
  t.equal(batch.checks, checks.length);
  const other = SharedBatch.fromMessage(batch.message); // what a worker sees: the same memory
  t.equal(other.claim(), 0);
  other.run(0);
  t.notOk(batch.done());
  t.equal(batch.runAll(), batch.message.chunks - 1, 'the rest, each chunk once');
  t.ok(batch.done() && other.done());
  t.equal(batch.claim(), -1);
  t.same([...batch.results], checks.map((c) => (c === forged ? 0 : 1)));
  t.ok(checkSignature(ed[0]!));
  t.notOk(checkSignature({ ...ed[0]!, key: new Uint8Array(3) }), 'an unusable key is invalid, not an exception');
});

t.test('the caller takes chunks of a waiting batch; every chunk runs once, on a worker or on the caller', async (t) => {
  const msg = new Uint8Array(randomBytes(64));
  const checks = Array.from({ length: 120 }, (_, i) => (i % 11 === 0 ? { ...check('secp256k1', msg), message: new Uint8Array([2]) } : check(i % 3 ? 'ed25519' : 'secp256k1', msg)));
  const expected = checks.map((_, i) => (i % 11 === 0 ? 0 : 1));
  const chunks = SharedBatch.fromChecks(checks).message.chunks;

  const shared = new VerifierPool(1);
  t.teardown(() => shared.close());
  t.same([...(await shared.verify(checks))], expected);
  t.equal(shared.stats.callerChunks + shared.stats.workerChunks, chunks);
  t.same({ batches: shared.stats.batches, checks: shared.stats.checks }, { batches: 1, checks: 120 });

  const workersOnly = new VerifierPool(1, { shareWithCaller: false });
  t.teardown(() => workersOnly.close());
  t.same([...(await workersOnly.verify(checks))], expected);
  t.same([workersOnly.stats.callerChunks, workersOnly.stats.workerChunks], [0, chunks]);

  t.throws(() => new VerifierPool(0, { shareWithCaller: false }), /must share/);
});

t.test('a pool without workers verifies on the calling thread, one chunk per turn of its event loop', async (t) => {
  const pool = new VerifierPool(0);
  t.teardown(() => pool.close());
  const msg = new Uint8Array(randomBytes(64));
  const checks = Array.from({ length: 3 * CHUNK_WEIGHT }, () => check('ed25519', msg));
  const events: string[] = [];
  const done = pool.verify(checks).then((ok) => events.push(`verified ${ok.reduce((a, b) => a + b, 0)}`));
  setImmediate(() => events.push('another event'));
  await done;
  t.same(events, ['another event', `verified ${checks.length}`], 'other events ran between its chunks');
  t.same([pool.stats.callerChunks, pool.stats.workerChunks], [3, 0]);
  await t.rejects(pool.runTask(EMBEDDING_TASK, new Uint8Array(4)), /no worker threads/);
});

t.test('worker tasks: a module function run on one buffer; failures and a closed pool reject', async (t) => {
  const pool = new VerifierPool(1);
  t.teardown(() => pool.close());
  const out = await pool.runTask(EMBEDDING_TASK, packEmbeddingJobs(8, [new Uint8Array([1, 2, 3])]));
  t.same([...out], new Array(9).fill(0), 'undecodable tx bytes: nothing computed');
  await t.rejects(pool.runTask({ module: EMBEDDING_TASK.module, name: 'noSuchFunction' }, new Uint8Array(1)), /worker task failed: .*noSuchFunction/);
  // the worker is still there for signatures and tasks
  t.same([...(await pool.verify([check('ed25519', new Uint8Array([5]))]))], [1]);
  await pool.close();
  await t.rejects(pool.runTask(EMBEDDING_TASK, new Uint8Array(4)), /closed/);
  await t.rejects(pool.verify([check('ed25519', new Uint8Array([5]))]), /closed/);
});

t.test('a dead worker fails waiting batches and tasks at once', async (t) => {
  const pool = new VerifierPool(1, { shareWithCaller: false });
  t.teardown(() => pool.close());
  const msg = new Uint8Array(randomBytes(64));
  const waiting = pool.verify(Array.from({ length: 400 }, () => check('secp256k1', msg)));
  const task = pool.runTask(EMBEDDING_TASK, packEmbeddingJobs(8, []));
  await (pool as unknown as { workers: Array<{ thread: { terminate(): Promise<number> } }> }).workers[0]!.thread.terminate();
  await t.rejects(waiting, /signature worker exited/);
  await t.rejects(task, /signature worker exited/);
  await t.rejects(pool.runTask(EMBEDDING_TASK, new Uint8Array(4)), /signature worker exited/);
});

t.test('an idle pool does not keep its process alive (after batches, tasks and caller chunks)', async (t) => {
  const url = (p: string) => JSON.stringify(new URL(p, import.meta.url).href);
  const code = `
    const { VerifierPool } = await import(${url('../../../chain/crypto/verifierPool.ts')});
    const { EMBEDDING_TASK, packEmbeddingJobs } = await import(${url('../../../chain/app/txPrecompute.ts')});
    const pool = new VerifierPool(1);
    const bad = { algo: 'ed25519', key: new Uint8Array(32), message: new Uint8Array(1), signature: new Uint8Array(64) };
    const ok = await pool.verify(Array.from({ length: 100 }, () => bad));
    await pool.runTask(EMBEDDING_TASK, packEmbeddingJobs(4, [new Uint8Array([1])]));
    console.log('verified', ok.length);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [code_] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  t.equal(code_, 0, 'exited by itself');
  t.match(out, /verified 100/);
});
