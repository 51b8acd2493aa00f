import t from 'tap';
import { TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { VerifierPool } from '../../../chain/crypto/verifierPool.js';
import { TxPreVerifier } from '../../../chain/node/txPreVerifier.js';
import { Bucket } from '../../../chain/store/buckets.js';
import { makeTestNode, msgSend, secpAccounts, signTx } from '../../helpers/chain.js';

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
