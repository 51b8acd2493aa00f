import t from 'tap';
import { cosmwasmClient, cosmwasmFee as fee } from '../helpers/e2e.js';
import { contractWasm } from '../contracts/build.js';
import { rustContract } from '../vm/fixtures.js';

/** A cw20 compiled for CosmWasm from Rust (cw-plus cw20-base) deployed and driven by @cosmjs/cosmwasm-stargate, unchanged. */
const rustToken = rustContract('cw20-base');
const asToken = await contractWasm('token');
const { addresses, servers, client } = await cosmwasmClient(t, 2);
const [alice, bob] = addresses as [string, string];
const FEE = fee(1_500_000);

const init = { name: 'Same Token', symbol: 'SAME', decimals: 6, initial_balances: [{ address: alice, amount: '1000000' }], mint: { minter: alice, cap: '9000000' } };
const tokens: Record<'rust' | 'as', string> = { rust: '', as: '' };

t.test('cosmjs uploads the Rust cw20-base, instantiates it, transfers and queries', async (t) => {
  // the code is kept in state at 30 gas per byte: a 300 KB module takes ~10M gas to store
  const up = await client.upload(alice, rustToken, fee(14_000_000));
  t.equal(up.checksum, Buffer.from(await crypto.subtle.digest('SHA-256', rustToken)).toString('hex'));
  t.equal(up.originalSize, rustToken.length);
  t.same((await client.getCodeDetails(up.codeId)).data, rustToken, 'the node keeps the uncompressed module');

  tokens.rust = (await client.instantiate(alice, up.codeId, init, 'rust cw20', FEE, { admin: alice })).contractAddress;
  const exec = await client.execute(alice, tokens.rust, { transfer: { recipient: bob, amount: '2500' } }, FEE);
  const wasmEvent = exec.events.find((e) => e.type === 'wasm');
  t.match(
    Object.fromEntries(wasmEvent!.attributes.map((a) => [a.key, a.value])),
    { _contract_address: tokens.rust, action: 'transfer', from: alice, to: bob, amount: '2500' },
  );
  t.same(await client.queryContractSmart(tokens.rust, { balance: { address: bob } }), { balance: '2500' });
  t.same(await client.queryContractSmart(tokens.rust, { balance: { address: alice } }), { balance: '997500' });
  await t.rejects(client.execute(bob, tokens.rust, { transfer: { recipient: alice, amount: '2501' } }, FEE), /Cannot Sub with 2500 and 2501/);
  t.same(await client.queryContractSmart(tokens.rust, { balance: { address: bob } }), { balance: '2500' }, 'the failed transfer changed nothing');

  const smart = await fetch(`${servers.apiUrl}/cosmwasm/wasm/v1/contract/${tokens.rust}/smart/${encodeURIComponent(Buffer.from('{"token_info":{}}').toString('base64'))}`);
  t.same(await smart.json(), { data: { name: 'Same Token', symbol: 'SAME', decimals: 6, total_supply: '1000000' } }, 'REST smart query');
});

t.test('the AssemblyScript token and the Rust cw20-base give the same JSON answers to the same queries', async (t) => {
  const up = await client.upload(alice, asToken, fee(5_000_000));
  tokens.as = (await client.instantiate(alice, up.codeId, init, 'as cw20', FEE)).contractAddress;
  await client.execute(alice, tokens.as, { transfer: { recipient: bob, amount: '2500' } }, FEE);
  for (const token of [tokens.rust, tokens.as]) {
    await client.executeMultiple(
      alice,
      [
        { contractAddress: token, msg: { increase_allowance: { spender: bob, amount: '700', expires: { at_height: 1000000 } } } },
        { contractAddress: token, msg: { mint: { recipient: bob, amount: '11' } } },
        { contractAddress: token, msg: { burn: { amount: '1' } } },
      ],
      FEE,
    );
    await client.execute(bob, token, { transfer_from: { owner: alice, recipient: bob, amount: '200' } }, FEE);
  }
  const queries = [
    { balance: { address: alice } },
    { balance: { address: bob } },
    { token_info: {} },
    { minter: {} },
    { allowance: { owner: alice, spender: bob } },
    { all_allowances: { owner: alice } },
    { all_accounts: {} },
    { all_accounts: { limit: 1 } },
  ];
  for (const q of queries) {
    const [rust, as] = await Promise.all([client.queryContractSmart(tokens.rust, q), client.queryContractSmart(tokens.as, q)]);
    t.same(as, rust, JSON.stringify(q));
  }
  t.same(await client.queryContractSmart(tokens.rust, { balance: { address: bob } }), { balance: '2711' });
  t.same(await client.queryContractSmart(tokens.rust, { allowance: { owner: alice, spender: bob } }), { allowance: '500', expires: { at_height: 1000000 } });
});
