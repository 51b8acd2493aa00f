import t from 'tap';
import { ContractHarness } from '../../chain/modules/wasm/harness.js';
import { WasmVm } from '../../vm/index.js';
import { contractWasm } from './build.js';

const wasm = await contractWasm('vectorstore');

interface Results {
  results: Array<{ id: string; score: number }>;
}

function setup() {
  const h = new ContractHarness();
  const owner = h.addr('owner');
  const other = h.addr('other');
  const { codeId } = h.upload(wasm);
  const { address } = h.instantiate(codeId, owner, {});
  const insert = (collection: string, items: Array<[string, number[]]>, sender = owner) =>
    h.execute(address, sender, { insert: { collection, items: items.map(([id, vector]) => ({ id, vector })) } });
  const search = (collection: string, query: number[], k = 10, metric = 'dot') =>
    h.query<Results>(address, { search: { collection, query, k, metric } }).results;
  const info = (collection: string) => h.query<{ count: string; dimension: number }>(address, { collection: { collection } });
  return { h, owner, other, address, insert, search, info };
}

t.test('the contract declares the capability and imports only what it uses', async (t) => {
  const report = new WasmVm({ capabilities: ['vivian_vector'] }).analyze(wasm);
  t.same(report.requiredCapabilities, ['vivian_vector']);
  t.same(report.imports.filter((i) => i.startsWith('vivian_vector_')), [
    'vivian_vector_count', 'vivian_vector_dimension', 'vivian_vector_insert', 'vivian_vector_remove', 'vivian_vector_search',
  ]);
  t.throws(() => new WasmVm().analyze(wasm), /requires capabilities this chain does not offer: vivian_vector/);
  const token = new WasmVm().analyze(await contractWasm('token'));
  t.notOk(token.imports.some((i) => i.startsWith('vivian_vector_')), 'a contract that does not use vectors does not import them');
});

t.test('insert, search (both metrics, ties by id), replace and remove', async (t) => {
  const { h, address, owner, insert, search, info } = setup();
  const r = insert('docs', [['30', [1, 0, 0]], ['10', [1, 0, 0]], ['20', [0, 3, 0]], ['18446744073709551615', [-128, 127, -128]]]);
  t.same(ContractHarness.attributes(r.events, 'wasm'), { _contract_address: address, action: 'insert', collection: 'docs', added: '4', replaced: '0', count: '4' });
  t.same(info('docs'), { count: '4', dimension: 3 });
  t.same(search('docs', [1, 1, 0]), [
    { id: '20', score: 3 },
    { id: '10', score: 1 },
    { id: '30', score: 1 },
    { id: '18446744073709551615', score: -1 },
  ]);
  t.same(search('docs', [1, 0, 0], 2, 'l2'), [{ id: '10', score: 0 }, { id: '30', score: 0 }]);
  const again = insert('docs', [['10', [0, 0, 5]]]);
  t.equal(ContractHarness.attributes(again.events, 'wasm').replaced, '1');
  t.same(search('docs', [0, 0, 1], 1), [{ id: '10', score: 5 }]);
  h.execute(address, owner, { remove: { collection: 'docs', ids: ['10', '11'] } });
  t.same(info('docs'), { count: '3', dimension: 3 });
  t.same(search('docs', [0, 0, 1], 1), [{ id: '20', score: 0 }]);
  t.same(search('empty', [1, 2]), [], 'an unknown collection has no results');
  t.same(info('empty'), { count: '0', dimension: 0 });
});

t.test('a public store lets anyone write', async (t) => {
  const h = new ContractHarness();
  const { codeId } = h.upload(wasm);
  const { address, events } = h.instantiate(codeId, h.addr('owner'), { public: true });
  t.equal(ContractHarness.attributes(events, 'wasm').public, 'true');
  h.execute(address, h.addr('anyone'), { insert: { collection: 'c', items: [{ id: '1', vector: [1] }] } });
  t.same(h.query(address, { collection: { collection: 'c' } }), { count: '1', dimension: 1 });
});

t.test('a search in a tx returns its results as the response data', async (t) => {
  const { h, address, other, insert } = setup();
  insert('c', [['1', [1, 2]], ['2', [2, 1]]]);
  const r = h.execute(address, other, { search: { collection: 'c', query: [1, 0], k: 1 } });
  t.same(JSON.parse(Buffer.from(r.data).toString()), { results: [{ id: '2', score: 2 }] });
});

t.test('errors: wrong dimension, bad input, unauthorized; a failed insert keeps nothing', async (t) => {
  const { h, address, other, insert, info, search } = setup();
  insert('c', [['1', [1, 2, 3]]]);
  t.throws(() => insert('c', [['2', [1, 2, 3]], ['3', [1, 2]]]), /items\[1\]: collection c has dimension 3, got 2 components/);
  t.same(info('c'), { count: '1', dimension: 3 }, 'the first item of the failed insert was dropped with it');
  t.throws(() => insert('c', [['4', [1, 2, 3]]], other), /Unauthorized/);
  t.throws(() => insert('c', [['x', [1, 2, 3]]]), /items\[0\]\.id must be a decimal u64/);
  t.throws(() => insert('c', [['18446744073709551616', [1, 2, 3]]]), /does not fit in u64/);
  t.throws(() => insert('c', [['5', [1, 2, 128]]]), /items\[0\]\.vector\[2\] is not an integer in -128\.\.127/);
  t.throws(() => insert('c', [['5', [1, 2.5, 3]]]), /is not an integer/);
  t.throws(() => insert('c', [['5', []]]), /the vector is empty/);
  t.throws(() => insert('c', [['5', new Array(4097).fill(1)]]), /at most 4096 are allowed/);
  t.throws(() => search('c', [1, 2]), /collection c has dimension 3, got 2 components/);
  t.throws(() => search('c', [1, 2, 3], 0), /k must be in 1\.\.1000/);
  t.throws(() => search('c', [1, 2, 3], 1001), /k must be an integer in 1\.\.1000/);
  t.throws(() => search('c', [1, 2, 3], 1, 'cosine'), /metric must be "dot" or "l2"/);
  t.throws(() => search('x'.repeat(65), [1]), /collection name must be 1\.\.64 bytes/);
  t.throws(() => h.query(address, { collection: { collection: 'x'.repeat(65) } }), /vector collection name is 65 bytes, more than the limit of 64/, 'the VM fails calls beyond its limits');
  t.same(info('c'), { count: '1', dimension: 3 });
});

t.test('gas: the same calls cost the same; a search costs more with every vector it compares', async (t) => {
  const a = setup();
  const b = setup();
  const vec = (i: number) => Array.from({ length: 64 }, (_, j) => ((i * 37 + j * 11) % 255) - 127);
  const items = (from: number, n: number): Array<[string, number[]]> => Array.from({ length: n }, (_, i) => [String(from + i), vec(from + i)]);
  t.equal(a.insert('g', items(0, 20)).gasUsed, b.insert('g', items(0, 20)).gasUsed);
  const searchGas = (s: ReturnType<typeof setup>) => s.h.execute(s.address, s.other, { search: { collection: 'g', query: vec(3), k: 5 } }).gasUsed;
  const g20 = searchGas(a);
  t.equal(g20, searchGas(b), 'identical on two fresh stores');
  a.insert('g', items(20, 20));
  const g40 = searchGas(a);
  t.ok(g40 > g20, `40 vectors (${g40} gas) cost more than 20 (${g20})`);
  t.same(a.search('g', vec(3), 1), [{ id: '3', score: vec(3).reduce((s, x) => s + x * x, 0) }]);
});
