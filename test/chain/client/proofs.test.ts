import t from 'tap';
import { buildRestServer } from '../../../chain/api/index.js';
import { LightErrors, verifyConsistencyAnswer, verifyLedgerTx, verifyRoots, verifyStateAnswer, type LedgerTxJson } from '../../../chain/client/index.js';
import { parseAddress } from '../../../chain/crypto/addresses.js';
import { balanceKey } from '../../../chain/modules/bank/keys.js';
import { makeTestNode, msgSend, secpAccounts, signTx } from '../../helpers/chain.js';

const [alice, bob] = await secpAccounts(2);
const tn = makeTestNode([alice!.address]);
const { node } = tn;
node.engine.produceBlock();
for (let i = 0; i < 3; i++) {
  for (let j = 0; j < 3; j++) {
    const tx = await signTx(alice!, [msgSend(alice!.address, bob!.address, 1n)], { accountNumber: 1n, sequence: BigInt(i * 3 + j) });
    node.broadcastTx(tx);
  }
  node.engine.produceBlock();
}
node.engine.produceBlock();
const rest = buildRestServer(node);
t.teardown(async () => {
  await rest.close();
  await tn.cleanup();
});
const get = async (url: string) => (await rest.inject({ url })).json();
const h = node.reader.latestHeight();
const appHash = node.reader.block(h)!.header!.appHash;
const roots = verifyRoots(await get(`/vivian/ledger/v1/roots/${h - 1n}`), appHash);
const flipHex = (s: string) => (s[0] === '0' ? '1' : '0') + s.slice(1);

t.test('roots must hash to the header app hash', async (t) => {
  t.equal(roots.ledgerSize, 9n);
  const r = await get(`/vivian/ledger/v1/roots/${h - 1n}`);
  for (const field of ['ledger_root', 'state_root'] as const) {
    t.throws(() => verifyRoots({ ...r, [field]: flipHex(r[field]) }, appHash), { code: LightErrors.RootsMismatch.code }, field);
  }
  t.throws(() => verifyRoots({ ...r, ledger_size: '10' }, appHash), { code: LightErrors.RootsMismatch.code }, 'size');
});

t.test('a tx answer: each tampered part fails', async (t) => {
  for (let v = 0; v < 9; v++) {
    const good: LedgerTxJson = await get(`/vivian/ledger/v1/txs/${v}?prove=true&height=${h - 1n}`);
    t.equal(verifyLedgerTx(good, roots).version, BigInt(v));
    const tampered: Array<[string, LedgerTxJson]> = [
      ['leaf', { ...good, leaf_data: Buffer.from(Buffer.from(good.leaf_data, 'base64').map((b, i) => (i === 40 ? b ^ 1 : b))).toString('base64') }],
      ['tx bytes', { ...good, tx: Buffer.from(Buffer.from(good.tx, 'base64').map((b, i) => (i === 5 ? b ^ 1 : b))).toString('base64') }],
      ['index', { ...good, version: String((v + 1) % 9) }],
      ['path', { ...good, proof: { ...good.proof!, path: good.proof!.path.map((p, i) => (i === 0 ? flipHex(p) : p)) } }],
      ['shortened path', { ...good, proof: { ...good.proof!, path: good.proof!.path.slice(1) } }],
      ['root', { ...good, proof: { ...good.proof!, root: flipHex(good.proof!.root) } }],
      ['size', { ...good, proof: { ...good.proof!, ledger_size: '10' } }],
      ['result code', { ...good, result: { ...good.result, code: 5 } }],
      ['gas used', { ...good, result: { ...good.result, gas_used: '1' } }],
      ['events', { ...good, result: { ...good.result, events: good.result.events.slice(1) } }],
      ['no proof', { ...good, proof: undefined }],
    ];
    for (const [what, bad] of tampered) {
      let err: unknown;
      try {
        verifyLedgerTx(bad, roots);
      } catch (e) {
        err = e;
      }
      t.equal((err as { codespace?: string } | undefined)?.codespace, 'light', `version ${v}: tampered ${what} is refused`);
    }
  }
});

t.test('consistency answers', async (t) => {
  for (const [m, n] of [[1, 9], [4, 9], [5, 8], [9, 9], [3, 3]]) {
    const c = await get(`/vivian/ledger/v1/consistency?first=${m}&second=${n}`);
    t.ok(verifyConsistencyAnswer(c, BigInt(m!), BigInt(n!)));
    if (c.path.length > 0) t.throws(() => verifyConsistencyAnswer({ ...c, path: [flipHex(c.path[0]), ...c.path.slice(1)] }, BigInt(m!), BigInt(n!)), { code: LightErrors.InvalidProof.code });
    t.throws(() => verifyConsistencyAnswer({ ...c, first_root: flipHex(c.first_root) }, BigInt(m!), BigInt(n!)), { code: LightErrors.InvalidProof.code });
    t.throws(() => verifyConsistencyAnswer(c, BigInt(m!) + 1n, BigInt(n!)), { code: LightErrors.MalformedResponse.code }, 'answer for other sizes');
  }
});

t.test('state answers: present and absent keys; tampered values fail', async (t) => {
  const present = balanceKey(parseAddress(bob!.address), 'uviv');
  const s = await get(`/vivian/state/v1/proof?key=${Buffer.from(present).toString('hex')}&height=${h - 1n}`);
  t.equal(Buffer.from(verifyStateAnswer(s, present, appHash)!).toString(), '9');
  t.throws(() => verifyStateAnswer({ ...s, value: Buffer.from('10').toString('base64') }, present, appHash), { code: LightErrors.InvalidProof.code });
  t.throws(() => verifyStateAnswer({ ...s, value: null, exists: false }, present, appHash), { code: LightErrors.InvalidProof.code }, 'a present key claimed absent');
  const absentKey = balanceKey(parseAddress(bob!.address), 'zzz');
  const a = await get(`/vivian/state/v1/proof?key=${Buffer.from(absentKey).toString('hex')}&height=${h - 1n}`);
  t.equal(verifyStateAnswer(a, absentKey, appHash), undefined);
  t.throws(() => verifyStateAnswer({ ...a, value: Buffer.from('1').toString('base64'), exists: true }, absentKey, appHash), { code: LightErrors.InvalidProof.code }, 'an absent key claimed present');
  t.throws(() => verifyStateAnswer(s, absentKey, appHash), { code: LightErrors.MalformedResponse.code }, 'answer for another key');
});
