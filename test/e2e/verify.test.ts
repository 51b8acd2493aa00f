import t from 'tap';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startServers } from '../../chain/api/index.js';
import { parseAddress } from '../../chain/crypto/addresses.js';
import { balanceKey } from '../../chain/modules/bank/keys.js';
import { makeTestNode, msgSend, secpAccounts, signTx } from '../helpers/chain.js';
import { runCli as vivian } from '../helpers/e2e.js';

const [alice, bob] = await secpAccounts(2);
const tn = makeTestNode([alice!.address], { rpc_port: 0, api_port: 0 });
const { node } = tn;
node.engine.produceBlock();
for (let i = 0; i < 5; i++) {
  const tx = await signTx(alice!, [msgSend(alice!.address, bob!.address, 100n + BigInt(i))], { accountNumber: 1n, sequence: BigInt(i) });
  t.equal(node.broadcastTx(tx).result.code, 0);
  node.engine.produceBlock();
}
const servers = await startServers(node);

/** A REST front that lies: it flips one byte of every inclusion proof path and of every state value. */
const liar: Server = createServer((req, res) => {
  void (async () => {
    const upstream = await fetch(`${servers.apiUrl}${req.url}`);
    const body = (await upstream.json()) as Record<string, any>;
    if (body.proof?.path?.length) body.proof.path[0] = (body.proof.path[0][0] === '0' ? '1' : '0') + body.proof.path[0].slice(1);
    if (typeof body.value === 'string') body.value = Buffer.from('999').toString('base64');
    res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  })();
});
await new Promise<void>((r) => liar.listen(0, '127.0.0.1', r));
const liarUrl = `http://127.0.0.1:${(liar.address() as AddressInfo).port}`;

t.teardown(async () => {
  liar.close();
  await servers.close();
  await tn.cleanup();
});

const trustHash = Buffer.from(node.reader.seenCommit(1n)!.blockId.hash).toString('hex');
const common = ['--node', servers.rpcUrl, '--api', servers.apiUrl, '--output', 'json'];

t.test('verify tx: the latest tx waits for no one when its block is already followed by a header', async (t) => {
  // block 6 holds version 4; header 7 commits it
  node.engine.produceBlock();
  const r = await vivian(['verify', 'tx', '4', ...common, '--trust-height', '1', '--trust-hash', trustHash]);
  t.equal(r.code, 0, r.err);
  const out = JSON.parse(r.out);
  t.match(out, { verified: /version 4/, tx: { version: '4', code: 0 }, trusted: { height: '1', source: /given/ }, header: { height: '7' }, roots: { height: '6', ledger_size: '5' } });
  t.equal(out.tx.tx_hash, Buffer.from(node.reader.txByVersion(4n)!.hash).toString('hex').toUpperCase());
});

t.test('verify state and consistency', async (t) => {
  const key = Buffer.from(balanceKey(parseAddress(bob!.address), 'uviv')).toString('hex');
  const s = await vivian(['verify', 'state', key, ...common, '--trust-height', '1', '--trust-hash', trustHash]);
  t.equal(s.code, 0, s.err);
  t.match(JSON.parse(s.out), { exists: true, value_text: '510', roots: { height: '6' } });
  const absent = await vivian(['verify', 'state', '0201ff', ...common, '--height', '3']);
  t.equal(absent.code, 0, absent.err);
  t.match(JSON.parse(absent.out), { exists: false, roots: { height: '3' }, trusted: { source: /trust on first use/ } });
  const c = await vivian(['verify', 'consistency', '2', '3', ...common]);
  t.equal(c.code, 0, c.err);
  t.match(JSON.parse(c.out), { first: { size: '2' }, second: { size: '3' }, roots: { ledger_size: '5' } });
});

t.test('mismatches exit non-zero with what failed', async (t) => {
  const wrongHash = await vivian(['verify', 'tx', '0', ...common, '--trust-height', '1', '--trust-hash', 'AB'.repeat(32)]);
  t.equal(wrongHash.code, 1);
  t.match(wrongHash.err, /header 1 hashes to .* the trusted hash is ABAB/);
  const wrongChain = await vivian(['verify', 'tx', '0', ...common, '--chain-id', 'vivian-other']);
  t.equal(wrongChain.code, 1);
  t.match(wrongChain.err, /another chain|expected "vivian-other"/);
  const lyingTx = await vivian(['verify', 'tx', '2', '--node', servers.rpcUrl, '--api', liarUrl]);
  t.equal(lyingTx.code, 1);
  t.match(lyingTx.err, /inclusion path of version 2 does not lead to ledger root/);
  const lyingState = await vivian(['verify', 'state', Buffer.from(balanceKey(parseAddress(bob!.address), 'uviv')).toString('hex'), '--node', servers.rpcUrl, '--api', liarUrl]);
  t.equal(lyingState.code, 1);
  t.match(lyingState.err, /state proof of key .* does not lead to app hash/);
  const future = await vivian(['verify', 'tx', '5', ...common, '--wait', '0']);
  t.equal(future.code, 1);
  t.match(future.err, /no header commits a ledger of 6 txs yet/);
  const badArg = await vivian(['verify', 'consistency', '3', '2', ...common]);
  t.equal(badArg.code, 1);
});
