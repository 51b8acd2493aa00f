import t from 'tap';
import { sha256 } from '@cosmjs/crypto';
import { fromBech32, toBech32 } from '@cosmjs/encoding';
import { cosmwasmClient, cosmwasmFee as fee } from '../helpers/e2e.js';
import { contractWasm } from '../contracts/build.js';

/** The bar for contracts: @cosmjs/cosmwasm-stargate deploys and drives a VIVIAN contract unchanged. */
const wasm = await contractWasm('token');
const { addresses, servers, client } = await cosmwasmClient(t, 2);
const [alice, bob] = addresses as [string, string];
const FEE = fee(1_500_000);

let codeId = 0;
let token = '';

t.test('upload (cosmjs gzips it), instantiate, execute, query', async (t) => {
  const up = await client.upload(alice, wasm, fee(5_000_000));
  codeId = up.codeId;
  t.ok(codeId >= 1);
  t.equal(up.checksum, Buffer.from(await crypto.subtle.digest('SHA-256', wasm)).toString('hex'), 'checksum of the uncompressed code');

  const inst = await client.instantiate(
    alice,
    codeId,
    { name: 'Vivian Token', symbol: 'VIV', decimals: 6, initial_balances: [{ address: alice, amount: '1000000' }], mint: { minter: alice } },
    'viv token',
    FEE,
    { admin: alice },
  );
  token = inst.contractAddress;
  t.match(token, /^vivian1[0-9a-z]{58}$/, '32-byte contract address');

  const exec = await client.execute(alice, token, { transfer: { recipient: bob, amount: '2500' } }, FEE);
  t.ok(exec.gasUsed > 0n);
  const wasmEvent = exec.events.find((e) => e.type === 'wasm');
  t.same(wasmEvent?.attributes.find((a) => a.key === '_contract_address')?.value, token);
  t.same(wasmEvent?.attributes.find((a) => a.key === 'action')?.value, 'transfer');

  t.same(await client.queryContractSmart(token, { balance: { address: bob } }), { balance: '2500' });
  t.same(await client.queryContractSmart(token, { token_info: {} }), { name: 'Vivian Token', symbol: 'VIV', decimals: 6, total_supply: '1000000' });
});

t.test('contract and code records', async (t) => {
  const c = await client.getContract(token);
  t.equal(c.codeId, codeId);
  t.equal(c.creator, alice);
  t.equal(c.admin, alice);
  t.equal(c.label, 'viv token');
  t.same(await client.getContracts(codeId), [token]);
  const code = await client.getCodeDetails(codeId);
  t.equal(code.creator, alice);
  t.same(code.data, wasm, 'stored code is the uncompressed module');
  t.ok((await client.getCodes()).some((x) => x.id === codeId));
  const history = await client.getContractCodeHistory(token);
  t.equal(history.length, 1);
  t.equal(history[0]!.operation, 'Init');
  const raw = await client.queryContractRaw(token, new TextEncoder().encode('token_info'));
  t.match(new TextDecoder().decode(raw!), /"symbol":"VIV"/);
});

t.test('REST gateway: contract, smart, raw, codes', async (t) => {
  const get = async (path: string) => {
    const r = await fetch(servers.apiUrl + path);
    return { status: r.status, body: (await r.json()) as Record<string, any> };
  };
  const b64 = (s: string) => encodeURIComponent(Buffer.from(s).toString('base64'));
  const info = await get(`/cosmwasm/wasm/v1/contract/${token}`);
  t.equal(info.body.contract_info.code_id, String(codeId));
  t.equal(info.body.contract_info.creator, alice);
  const smart = await get(`/cosmwasm/wasm/v1/contract/${token}/smart/${b64(JSON.stringify({ balance: { address: bob } }))}`);
  t.same(smart.body, { data: { balance: '2500' } });
  const raw = await get(`/cosmwasm/wasm/v1/contract/${token}/raw/${b64('token_info')}`);
  t.match(Buffer.from(raw.body.data, 'base64').toString(), /"name":"Vivian Token"/);
  const codes = await get('/cosmwasm/wasm/v1/code');
  t.ok(codes.body.code_infos.some((c: { code_id: string }) => c.code_id === String(codeId)));
  const code = await get(`/cosmwasm/wasm/v1/code/${codeId}`);
  t.equal(Buffer.from(code.body.data, 'base64').length, wasm.length);
  t.same((await get(`/cosmwasm/wasm/v1/code/${codeId}/contracts`)).body.contracts, [token]);
  const missing = await get('/cosmwasm/wasm/v1/code/999');
  t.equal(missing.status, 404);
  t.match(missing.body.message, /no code with id 999/);
  const badQuery = await get(`/cosmwasm/wasm/v1/contract/${token}/smart/${b64('{"nope":{}}')}`);
  t.ok(badQuery.status >= 400);
  t.match(badQuery.body.message, /unknown variant `nope`/);
});

t.test('instantiate2 gives the address wasmd derives', async (t) => {
  const salt = new TextEncoder().encode('salt-1');
  const checksum = new Uint8Array(await crypto.subtle.digest('SHA-256', wasm));
  // wasmd's rule (cosmjs's instantiate2Address cannot decode with the @scure/base installed), written out here
  const u64 = (n: number) => Uint8Array.from(Buffer.from(n.toString(16).padStart(16, '0'), 'hex'));
  const creator = fromBech32(alice, 90).data;
  const key = Buffer.concat([u64(32), checksum, u64(creator.length), creator, u64(salt.length), salt, u64(0)]);
  const predicted = toBech32('vivian', sha256(Buffer.concat([sha256(Buffer.from('module')), Buffer.from('wasm\0'), key])), 90);
  const r = await client.instantiate2(alice, codeId, salt, { name: 'Second', symbol: 'SEC', decimals: 0, initial_balances: [] }, 'second', FEE);
  t.equal(r.contractAddress, predicted);
});

t.test('admin changes and bad input', async (t) => {
  await t.rejects(client.updateAdmin(bob, token, bob, FEE), /cannot change the admin/);
  await client.updateAdmin(alice, token, bob, FEE);
  t.equal((await client.getContract(token)).admin, bob);
  await client.clearAdmin(bob, token, FEE);
  t.equal((await client.getContract(token)).admin, undefined);
  await t.rejects(client.migrate(alice, token, codeId, {}, FEE), /cannot migrate/);
  await t.rejects(client.execute(alice, token, { transfer: { recipient: bob, amount: '99999999' } }, FEE), /Cannot Sub/);
  await t.rejects(client.queryContractSmart(token, { nope: {} }), /unknown variant `nope`/);
  await t.rejects(client.upload(alice, new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1]), FEE), /create wasm contract failed|invalid wasm/);
  await t.rejects(client.execute(alice, token, { transfer: { recipient: bob, amount: '1' } }, FEE, '', [{ denom: 'unknown', amount: '5' }]), /insufficient funds|smaller than/);
  t.same(await client.queryContractSmart(token, { balance: { address: bob } }), { balance: '2500' }, 'nothing changed');
});
