import t from 'tap';
import { buildRestServer, buildRpcServer } from '../../../chain/api/index.js';
import { appHash } from '../../../chain/app/application.js';
import { verifyStateProofOps } from '../../../chain/client/stateProofOps.js';
import { parseAddress } from '../../../chain/crypto/addresses.js';
import { sha256 } from '../../../chain/crypto/hash.js';
import { decodeTxInfo, leafHash, merkleRoot, verifyConsistency, verifyInclusion } from '../../../chain/ledger/index.js';
import { balanceKey } from '../../../chain/modules/bank/keys.js';
import { decodeProof, verifyProof } from '../../../chain/store/stateTree/index.js';
import { makeTestNode, msgSend, secpAccounts, signTx } from '../../helpers/chain.js';

const [alice, bob] = await secpAccounts(2);
const tn = makeTestNode([alice!.address]);
const { node } = tn;
node.engine.produceBlock();
// blocks of 1, 2, 3, 4 and 5 txs: 15 versions, sizes cross several powers of two
let seq = 0n;
for (let block = 1; block <= 5; block++) {
  for (let i = 0; i < block; i++) {
    const tx = await signTx(alice!, [msgSend(alice!.address, bob!.address, BigInt(block * 10 + i))], { accountNumber: 1n, sequence: seq++ });
    t.equal(node.broadcastTx(tx).result.code, 0);
  }
  node.engine.produceBlock();
}
const rest = buildRestServer(node);
const rpc = buildRpcServer(node);
t.teardown(async () => {
  await rest.close();
  await rpc.close();
  await tn.cleanup();
});

const get = async (url: string) => {
  const r = await rest.inject({ url });
  return { status: r.statusCode, body: r.json() };
};
const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

t.test('info and roots: the app hash of each height is in the next header', async (t) => {
  const info = (await get('/vivian/ledger/v1/info')).body;
  t.same(info.size, '15');
  t.equal(info.height, node.reader.latestHeight().toString());
  for (let h = node.reader.initialHeight() - 1n; h < node.reader.latestHeight(); h++) {
    const r = (await get(`/vivian/ledger/v1/roots/${h}`)).body;
    t.equal(r.app_hash, Buffer.from(appHash(hex(r.state_root), hex(r.ledger_root), BigInt(r.ledger_size))).toString('hex').toUpperCase());
    t.equal(r.app_hash, Buffer.from(node.reader.block(h + 1n)!.header!.appHash).toString('hex').toUpperCase(), `roots ${h} = app hash of header ${h + 1n}`);
  }
  const latest = (await get(`/vivian/ledger/v1/roots/${info.height}`)).body;
  t.equal(latest.ledger_root, info.root);
  t.equal((await get('/vivian/ledger/v1/roots/999')).status, 404);
});

t.test('txs by version and by hash, with inclusion proofs that verify', async (t) => {
  const leaves: Uint8Array[] = [];
  for (let v = 0; v < 15; v++) {
    const { status, body } = await get(`/vivian/ledger/v1/txs/${v}?prove=true`);
    t.equal(status, 200);
    t.equal(body.version, String(v));
    const info = decodeTxInfo(b64(body.leaf_data));
    t.equal(Buffer.from(info.txHash).toString('hex').toUpperCase(), body.tx_hash);
    t.same(info.txHash, sha256(b64(body.tx)), 'leaf names the tx bytes');
    t.equal(body.result.code, 0);
    t.ok(body.result.events.length > 0);
    const leaf = leafHash(b64(body.leaf_data));
    leaves.push(leaf);
    t.equal(body.proof.ledger_size, '15');
    t.ok(verifyInclusion(leaf, v, 15, body.proof.path.map(hex), hex(body.proof.root)), `inclusion of ${v}`);
    const byHash = await get(`/vivian/ledger/v1/txs/by-hash/${body.tx_hash.toLowerCase()}?prove=true`);
    t.same(byHash.body, body, 'by hash: the same answer');
  }
  t.same(Buffer.from(merkleRoot(leaves)).toString('hex').toUpperCase(), (await get('/vivian/ledger/v1/info')).body.root);

  const plain = (await get('/vivian/ledger/v1/txs/3')).body;
  t.notOk('proof' in plain, 'no proof unless asked');
  // an older height proves against that height's (smaller) ledger
  const h = node.reader.latestHeight() - 1n;
  const old = (await get(`/vivian/ledger/v1/txs/3?prove=true&height=${h}`)).body;
  const roots = (await get(`/vivian/ledger/v1/roots/${h}`)).body;
  t.equal(old.proof.ledger_size, roots.ledger_size);
  t.ok(verifyInclusion(leaves[3]!, 3, BigInt(roots.ledger_size), old.proof.path.map(hex), hex(roots.ledger_root)));
  t.equal((await get(`/vivian/ledger/v1/txs/14?prove=true&height=${h}`)).status, 400, 'a version newer than the height asked');
});

t.test('txs?from=&limit= reads the vector in order', async (t) => {
  const page = (await get('/vivian/ledger/v1/txs?from=4&limit=5')).body;
  t.same(page.txs.map((x: { version: string }) => x.version), ['4', '5', '6', '7', '8']);
  t.equal(page.next, '9');
  const tail = (await get('/vivian/ledger/v1/txs?from=12&limit=10')).body;
  t.same(tail.txs.map((x: { version: string }) => x.version), ['12', '13', '14']);
  t.equal(tail.next, null);
  t.same((await get('/vivian/ledger/v1/txs?from=15')).body.txs, []);
  t.equal((await get('/vivian/ledger/v1/txs?from=0&limit=0')).status, 400);
  t.equal((await get('/vivian/ledger/v1/txs?from=0&limit=101')).status, 400);
  t.equal((await get('/vivian/ledger/v1/txs?from=-1')).status, 400);
});

t.test('consistency proofs between any two sizes', async (t) => {
  for (let m = 1; m <= 15; m++) {
    for (let n = m; n <= 15; n++) {
      const { status, body } = await get(`/vivian/ledger/v1/consistency?first=${m}&second=${n}`);
      t.equal(status, 200);
      if (!verifyConsistency(m, n, hex(body.first_root), hex(body.second_root), body.path.map(hex))) t.fail(`consistency ${m} -> ${n}`);
    }
  }
  const full = (await get('/vivian/ledger/v1/consistency?first=5&second=15')).body;
  t.equal(full.second_root, (await get('/vivian/ledger/v1/info')).body.root);
  const tampered = full.path.map(hex);
  tampered[0]![0] ^= 1;
  t.notOk(verifyConsistency(5, 15, hex(full.first_root), hex(full.second_root), tampered), 'tampered path fails');
});

t.test('bad input: 404 for versions not yet written, 400 for malformed numbers and ranges', async (t) => {
  const notFound = await get('/vivian/ledger/v1/txs/15');
  t.equal(notFound.status, 404);
  t.match(notFound.body, { code: 5, message: /version 15 does not exist yet.*15 txs/ });
  t.equal((await get(`/vivian/ledger/v1/txs/by-hash/${'AB'.repeat(32)}`)).status, 404);
  for (const url of ['/vivian/ledger/v1/txs/-1', '/vivian/ledger/v1/txs/abc', '/vivian/ledger/v1/txs/1.5', '/vivian/ledger/v1/txs/by-hash/XYZ', '/vivian/ledger/v1/txs/99999999999999999999']) {
    const r = await get(url);
    t.equal(r.status, 400, url);
    t.match(r.body, { code: Number, message: String });
  }
  for (const q of ['first=0&second=3', 'first=4&second=3', 'first=1&second=16', 'first=a&second=3', 'first=-1&second=3', 'second=3']) {
    t.equal((await get(`/vivian/ledger/v1/consistency?${q}`)).status, 400, q);
  }
  t.equal((await get('/vivian/ledger/v1/roots/x')).status, 400);
});

t.test('state proofs over REST: present and absent keys, at the latest and older heights', async (t) => {
  const present = balanceKey(parseAddress(bob!.address), 'uviv');
  const absent = balanceKey(parseAddress(bob!.address), 'nope');
  const latest = node.reader.latestHeight();
  for (const [key, height] of [[present, latest], [present, latest - 2n], [absent, latest]] as const) {
    const { status, body } = await get(`/vivian/state/v1/proof?key=${Buffer.from(key).toString('hex')}&height=${height}`);
    t.equal(status, 200);
    const value = body.value === null ? undefined : b64(body.value);
    t.equal(body.exists, key === present);
    t.ok(verifyProof(hex(body.roots.state_root), sha256(key), value ? sha256(value) : null, decodeProof(b64(body.proof))));
    const headerAppHash = node.reader.block(height + 1n)?.header?.appHash ?? hex(body.roots.app_hash);
    t.equal(body.roots.app_hash, Buffer.from(headerAppHash).toString('hex').toUpperCase());
    const ops = { ops: body.proof_ops.ops.map((o: { type: string; key: string; data: string }) => ({ type: o.type, key: b64(o.key), data: b64(o.data) })) };
    t.ok(verifyStateProofOps(ops, key, value, headerAppHash), 'proof ops verify against the app hash');
    // tampered: another value, a claim of absence for a present key (and of presence for an absent one), another app hash
    t.notOk(verifyStateProofOps(ops, key, new TextEncoder().encode('1'), headerAppHash), 'tampered value fails');
    t.notOk(verifyStateProofOps(ops, key, value ? undefined : new Uint8Array([1]), headerAppHash), 'flipped existence fails');
    t.notOk(verifyStateProofOps(ops, key, value, sha256(headerAppHash)), 'other app hash fails');
  }
  const old = (await get(`/vivian/state/v1/proof?key=${Buffer.from(present).toString('hex')}&height=${latest - 2n}`)).body;
  const now = (await get(`/vivian/state/v1/proof?key=${Buffer.from(present).toString('hex')}`)).body;
  t.not(old.value, now.value, 'an older height proves the older balance');
  t.equal((await get('/vivian/state/v1/proof?key=zz')).status, 400);
  t.equal((await get('/vivian/state/v1/proof?key=00&height=99999')).status, 400);
});

t.test('abci_query prove=true returns proof_ops for /store/key', async (t) => {
  const key = balanceKey(parseAddress(bob!.address), 'uviv');
  const r = await rpc.inject({ url: `/abci_query?path="/store/key"&data=0x${Buffer.from(key).toString('hex')}&prove=true` });
  const res = r.json().result.response;
  t.equal(res.code, 0);
  const height = BigInt(res.height);
  const ops = { ops: res.proofOps.ops.map((o: { type: string; key: string; data: string }) => ({ type: o.type, key: b64(o.key), data: b64(o.data) })) };
  t.same(ops.ops.map((o: { type: string }) => o.type), ['vivian:state', 'vivian:roots']);
  const roots = node.reader.roots(height)!;
  t.ok(verifyStateProofOps(ops, key, b64(res.value), roots.appHash));
  const absent = await rpc.inject({ url: `/abci_query?path="/store/key"&data=0x0201ff&prove=true` });
  const a = absent.json().result.response;
  t.equal(a.value, null);
  t.ok(verifyStateProofOps({ ops: a.proofOps.ops.map((o: { type: string; key: string; data: string }) => ({ type: o.type, key: b64(o.key), data: b64(o.data) })) }, Uint8Array.of(2, 1, 0xff), undefined, roots.appHash));
  const noProve = await rpc.inject({ url: `/abci_query?path="/store/key"&data=0x${Buffer.from(key).toString('hex')}` });
  t.equal(noProve.json().result.response.proofOps, null);
});
