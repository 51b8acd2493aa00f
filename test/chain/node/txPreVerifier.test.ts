import t from 'tap';
import { TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { VerifierPool } from '../../../chain/crypto/verifierPool.js';
import { TxPreVerifier } from '../../../chain/node/txPreVerifier.js';
import { Bucket } from '../../../chain/store/buckets.js';
import { makeTestNode, msgSend, secpAccounts, signTx } from '../../helpers/chain.js';
import { until } from '../../helpers/wait.js';
import { precomputedEmbedding } from '../../../chain/app/txPrecompute.js';

const [alice, bob] = await secpAccounts(2);

t.test('submitTx verifies signatures on a worker first; CheckTx then finds them verified', async (t) => {
  const tn = makeTestNode([alice!.address], { verify_threads: 1 });
  t.teardown(tn.cleanup);
  const { node } = tn;
  const accountNumber = node.app.auth.getAccount(node.db.bucketReader(Bucket.State), alice!.address)!.accountNumber;
  const tx = await signTx(alice!, [msgSend(alice!.address, bob!.address, 5n)], { accountNumber, sequence: 0n });
  t.equal(node.app.pendingSignatures(tx).length, 1, 'one signature to verify');
  const r = await node.submitTx(tx);
  t.equal(r.result.code, 0, r.result.log);
  t.same(node.app.pendingSignatures(tx), [], 'verified: in the SigCache');

  // a forged signature is not cached: CheckTx verifies it itself and refuses the tx as before
  const raw = TxRaw.decode(await signTx(alice!, [msgSend(alice!.address, bob!.address, 6n)], { accountNumber, sequence: 1n }));
  raw.signatures[0]![10]! ^= 1;
  const forged = TxRaw.encode(raw).finish();
  const bad = await node.submitTx(forged);
  t.equal(bad.result.code, 4);
  t.match(bad.result.log, /signature verification failed/);
  t.equal(node.app.pendingSignatures(forged).length, 1, 'still unverified');

  // undecodable bytes have nothing to pre-verify and get CheckTx's own error
  t.same(node.app.pendingSignatures(new Uint8Array([1, 2, 3])), []);
  t.equal((await node.submitTx(new Uint8Array([1, 2, 3]))).result.codespace, 'sdk');
  node.engine.produceBlock();
  t.equal(node.app.bank.getBalance(node.db.bucketReader(Bucket.State), bob!.address, 'uviv'), 5n);
});

t.test('the pre-verifier alone fills the SigCache, in one batch for txs that arrive together', async (t) => {
  const tn = makeTestNode([alice!.address], { verify_threads: 0 });
  t.teardown(tn.cleanup);
  const { node } = tn;
  const pool = new VerifierPool(1);
  const pre = new TxPreVerifier(node.app, pool);
  t.teardown(() => pre.close());
  let batches = 0;
  const verify = pool.verify.bind(pool);
  pool.verify = (checks) => (batches++, verify(checks));
  const accountNumber = node.app.auth.getAccount(node.db.bucketReader(Bucket.State), alice!.address)!.accountNumber;
  const txs = await Promise.all([0n, 1n, 2n, 3n].map((sequence) => signTx(alice!, [msgSend(alice!.address, bob!.address, 1n)], { accountNumber, sequence })));
  for (const tx of txs) t.equal(node.app.pendingSignatures(tx).length, 1);
  await Promise.all(txs.map((tx) => pre.preVerify(tx)));
  t.equal(batches, 1, 'one batch');
  for (const tx of txs) t.same(node.app.pendingSignatures(tx), [], 'verified before any CheckTx');
  await pre.preVerify(txs[0]!);
  t.equal(batches, 1, 'nothing left to verify for a tx seen before');
  const results = txs.map((tx) => node.broadcastTx(tx));
  t.same(results.map((r) => r.result.code), [0, 0, 0, 0]);
});

t.test('verify_threads 0 verifies on the main thread only', async (t) => {
  const tn = makeTestNode([alice!.address], { verify_threads: 0 });
  t.teardown(tn.cleanup);
  const { node } = tn;
  const accountNumber = node.app.auth.getAccount(node.db.bucketReader(Bucket.State), alice!.address)!.accountNumber;
  const tx = await signTx(alice!, [msgSend(alice!.address, bob!.address, 5n)], { accountNumber, sequence: 0n });
  t.equal((await node.submitTx(tx)).result.code, 0);
});

t.test('the workers compute the embeddings of a batch ahead; the block takes them and commits what it computes in place', async (t) => {
  const ahead = makeTestNode([alice!.address], { verify_threads: 1 });
  t.teardown(ahead.cleanup);
  const inPlace = makeTestNode([alice!.address], { verify_threads: 0 });
  t.teardown(inPlace.cleanup);
  const accountNumber = ahead.node.app.auth.getAccount(ahead.node.db.bucketReader(Bucket.State), alice!.address)!.accountNumber;
  const memos = ['coffee', 'rent for March', '', 'invoice 42'];
  const txs = await Promise.all(memos.map((memo, i) => signTx(alice!, [msgSend(alice!.address, bob!.address, BigInt(i + 1))], { accountNumber, sequence: BigInt(i), memo })));
  const dimension = ahead.node.app.embeddingDimension()!;
  t.ok(dimension > 0);

  const results = await Promise.all(txs.map((tx) => ahead.node.submitTx(tx)));
  t.same(results.map((r) => r.result.code), [0, 0, 0, 0]);
  t.ok(await until(() => txs.every((tx) => precomputedEmbedding(tx, dimension) !== undefined)), 'computed on the worker');
  const block = ahead.node.engine.produceBlock();
  t.equal(block.txs.length, 4);
  block.txs.forEach((c, i) => t.equal(c.embedding, precomputedEmbedding(txs[i]!, dimension), `tx ${i}: the precomputed vector was used`));

  // the same txs (other byte arrays, nothing computed ahead) on a node that computes them in place
  for (const tx of txs) t.equal(inPlace.node.broadcastTx(tx.slice()).result.code, 0);
  const reference = inPlace.node.engine.produceBlock();
  t.equal(reference.txs.length, 4);
  reference.txs.forEach((c, i) => {
    t.not(c.embedding, block.txs[i]!.embedding);
    t.same([...c.embedding!], [...block.txs[i]!.embedding!]);
    t.same([...c.leafData], [...block.txs[i]!.leafData], `tx ${i}: the same ledger leaf`);
  });
});

t.test('embeddings are computed ahead only while the workers keep up with the signatures by themselves', async (t) => {
  const tn = makeTestNode([alice!.address], { verify_threads: 0 });
  t.teardown(tn.cleanup);
  const { node } = tn;
  const accountNumber = node.app.auth.getAccount(node.db.bucketReader(Bucket.State), alice!.address)!.accountNumber;
  const sign = (sequence: number) => signTx(alice!, [msgSend(alice!.address, bob!.address, 1n)], { accountNumber, sequence: BigInt(sequence) });

  // a pool whose only thread is the caller: the caller takes every chunk, so the next batch gets no embeddings
  const callerOnly = new TxPreVerifier(node.app, new VerifierPool(0));
  t.teardown(() => callerOnly.close());
  await callerOnly.preVerify(await sign(0));
  await callerOnly.preVerify(await sign(1));
  t.same(callerOnly.stats, { batches: 2, embeddingBatches: 0 }, 'no worker to give them to');

  const disabled = new TxPreVerifier(node.app, new VerifierPool(1), { precomputeEmbeddings: false });
  t.teardown(() => disabled.close());
  await disabled.preVerify(await sign(2));
  t.same(disabled.stats, { batches: 1, embeddingBatches: 0 });

  const pool = new VerifierPool(1, { shareWithCaller: false });
  const pre = new TxPreVerifier(node.app, pool);
  t.teardown(() => pre.close());
  await pre.preVerify(await sign(3));
  t.equal(pre.stats.embeddingBatches, 1, 'the first batch: the workers are assumed to keep up');
  // from now on the caller takes a chunk of every batch (pretended), so the next batches' embeddings are left to DeliverTx
  const verify = pool.verify.bind(pool);
  pool.verify = (checks) => {
    pool.stats.callerChunks++;
    return verify(checks);
  };
  await pre.preVerify(await sign(4));
  t.equal(pre.stats.embeddingBatches, 2, 'this batch was posted before the caller was seen helping');
  await pre.preVerify(await sign(5));
  t.equal(pre.stats.embeddingBatches, 2, 'the caller helped with the last batch: none for this one');
});

t.test('a burst is sent to the workers in batches of at most maxBatchSignatures, each tx waiting for its own', async (t) => {
  const tn = makeTestNode([alice!.address], { verify_threads: 0 });
  t.teardown(tn.cleanup);
  const { node } = tn;
  const pool = new VerifierPool(1);
  const pre = new TxPreVerifier(node.app, pool, { maxBatchSignatures: 2 });
  t.teardown(() => pre.close());
  const sizes: number[] = [];
  const verify = pool.verify.bind(pool);
  pool.verify = (checks) => (sizes.push(checks.length), verify(checks));
  const accountNumber = node.app.auth.getAccount(node.db.bucketReader(Bucket.State), alice!.address)!.accountNumber;
  const txs = await Promise.all([0, 1, 2, 3, 4].map((sequence) => signTx(alice!, [msgSend(alice!.address, bob!.address, 1n)], { accountNumber, sequence: BigInt(sequence) })));
  const waits = txs.map((tx) => pre.preVerify(tx));
  t.same(sizes, [2, 2], 'full batches go at once, in the same turn');
  await Promise.all(waits);
  t.same(sizes, [2, 2, 1], 'the rest at the end of the turn');
  for (const tx of txs) t.same(node.app.pendingSignatures(tx), []);
});
