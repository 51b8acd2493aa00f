import t from 'tap';
import { cosmwasmClient, cosmwasmFee as fee } from '../helpers/e2e.js';
import { contractWasm } from '../contracts/build.js';
import { exampleWasm } from '../contracts/examples.js';

/** The standard nft, multisig and escrow contracts, each through a short real story on a node. */
const [nftWasm, multisigWasm, escrowWasm, receiverWasm] = await Promise.all([
  contractWasm('nft'),
  contractWasm('multisig'),
  contractWasm('escrow'),
  exampleWasm('nft', 'receiver'),
]);
// dave is never funded and never signs: his balance shows exactly what the contracts paid him
const { addresses, client } = await cosmwasmClient(t, 4, 3);
const [alice, bob, carol, dave] = addresses as [string, string, string, string];
const FEE = fee(1_500_000);
const b64json = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');
const attr = (events: ReadonlyArray<{ type: string; attributes: ReadonlyArray<{ key: string; value: string }> }>, key: string) =>
  events.filter((e) => e.type === 'wasm').flatMap((e) => e.attributes).find((a) => a.key === key)?.value;
const balance = async (address: string) => BigInt((await client.getBalance(address, 'uviv')).amount);

const codes: Record<string, number> = {};

t.test('upload the three standard contracts and the example receiver', async (t) => {
  for (const [name, wasm] of Object.entries({ nft: nftWasm, multisig: multisigWasm, escrow: escrowWasm, receiver: receiverWasm })) {
    const up = await client.upload(alice, wasm, fee(5_000_000));
    t.equal(up.checksum, Buffer.from(await crypto.subtle.digest('SHA-256', wasm)).toString('hex'), `${name}: checksum of the code`);
    codes[name] = up.codeId;
  }
  t.equal(new Set(Object.values(codes)).size, 4);
});

t.test('nft: mint, transfer_nft, send_nft to a receiver contract', async (t) => {
  const { contractAddress: nft } = await client.instantiate(alice, codes.nft!, { name: 'Vivian Punks', symbol: 'VPK', minter: alice }, 'punks', FEE);
  const { contractAddress: receiver } = await client.instantiate(alice, codes.receiver!, {}, 'receiver', FEE);
  const mint = await client.execute(alice, nft, { mint: { token_id: 'punk-1', owner: alice, token_uri: 'ipfs://punk-1', extension: { eyes: 'laser' } } }, FEE);
  t.equal(attr(mint.events, 'action'), 'mint');
  t.ok(mint.gasUsed > 0n, `mint used ${mint.gasUsed} gas`);
  await t.rejects(client.execute(bob, nft, { mint: { token_id: 'punk-2', owner: bob } }, FEE), /Unauthorized/);

  await client.execute(alice, nft, { transfer_nft: { recipient: bob, token_id: 'punk-1' } }, FEE);
  t.same(await client.queryContractSmart(nft, { owner_of: { token_id: 'punk-1' } }), { owner: bob, approvals: [] });
  await t.rejects(client.execute(alice, nft, { transfer_nft: { recipient: alice, token_id: 'punk-1' } }, FEE), /Unauthorized/);

  const send = await client.execute(bob, nft, { send_nft: { contract: receiver, token_id: 'punk-1', msg: b64json({ hello: 'nft' }) } }, FEE);
  t.ok(send.events.some((e) => e.type === 'wasm' && e.attributes.some((a) => a.key === 'action' && a.value === 'receive_nft')), 'the hook ran');
  t.same(await client.queryContractSmart(nft, { owner_of: { token_id: 'punk-1' } }), { owner: receiver, approvals: [] });
  t.same(await client.queryContractSmart(receiver, {}), { nft_contract: nft, sender: bob, token_id: 'punk-1', msg: '{"hello":"nft"}' });
  t.same(await client.queryContractSmart(nft, { all_nft_info: { token_id: 'punk-1' } }), {
    access: { owner: receiver, approvals: [] },
    info: { token_uri: 'ipfs://punk-1', extension: { eyes: 'laser' } },
  });
  t.same(await client.queryContractSmart(nft, { num_tokens: {} }), { count: 1 });
  t.same(await client.queryContractSmart(nft, { tokens: { owner: bob } }), { tokens: [] });
});

t.test('multisig: propose -> votes -> execute a bank send from the multisig balance', async (t) => {
  const voters = [alice, bob, carol].map((addr) => ({ addr, weight: 1 }));
  const { contractAddress: msig } = await client.instantiate(
    alice,
    codes.multisig!,
    { voters, threshold: { absolute_count: { weight: 2 } }, max_voting_period: { height: 1000 } },
    'council',
    FEE,
    { funds: [{ denom: 'uviv', amount: '10000' }] },
  );
  t.equal(await balance(msig), 10000n);
  const pay = { bank: { send: { to_address: dave, amount: [{ denom: 'uviv', amount: '1234' }] } } };
  const p = await client.execute(alice, msig, { propose: { title: 'pay dave', description: 'for the audit', msgs: [pay] } }, FEE);
  const id = Number(attr(p.events, 'proposal_id'));
  t.equal(attr(p.events, 'status'), 'Open');
  await t.rejects(client.execute(carol, msig, { execute: { proposal_id: id } }, FEE), /must have passed/);
  const v = await client.execute(bob, msig, { vote: { proposal_id: id, vote: 'yes' } }, FEE);
  t.equal(attr(v.events, 'status'), 'Passed');
  await client.execute(carol, msig, { execute: { proposal_id: id } }, FEE);
  t.equal(await balance(dave), 1234n);
  t.equal(await balance(msig), 10000n - 1234n);
  const prop = await client.queryContractSmart(msig, { proposal: { proposal_id: id } });
  t.equal(prop.status, 'executed');
  t.same(prop.msgs, [pay]);
  t.same((await client.queryContractSmart(msig, { list_votes: { proposal_id: id } })).votes.length, 2);
  t.same(await client.queryContractSmart(msig, { threshold: {} }), { absolute_count: { weight: 2, total_weight: 3 } });
});

t.test('escrow: create -> approve pays the recipient; create -> refund after the deadline returns the funds', async (t) => {
  const { contractAddress: escrow } = await client.instantiate(alice, codes.escrow!, {}, 'escrow', FEE);
  const create = (id: string, amount: string, endHeight: number) =>
    client.execute(alice, escrow, { create: { id, arbiter: bob, recipient: dave, title: id, description: '', end_height: endHeight } }, FEE, '', [{ denom: 'uviv', amount }]);

  const daveBefore = await balance(dave);
  await create('deal', '5000', (await client.getHeight()) + 1000);
  t.equal(await balance(escrow), 5000n);
  await t.rejects(client.execute(carol, escrow, { approve: { id: 'deal' } }, FEE), /Unauthorized/);
  const approved = await client.execute(bob, escrow, { approve: { id: 'deal' } }, FEE);
  t.equal(attr(approved.events, 'to'), dave);
  t.equal(await balance(dave), daveBefore + 5000n);
  t.equal(await balance(escrow), 0n);

  const end = (await client.getHeight()) + 2;
  await create('lapsed', '700', end);
  await t.rejects(client.execute(carol, escrow, { refund: { id: 'lapsed' } }, FEE), /Escrow not expired/);
  // blocks come with txs: send small transfers until the chain is past the end height
  while ((await client.getHeight()) <= end) await client.sendTokens(carol, bob, [{ denom: 'uviv', amount: '1' }], FEE);
  await t.rejects(client.execute(bob, escrow, { approve: { id: 'lapsed' } }, FEE), /Escrow expired/);
  const aliceBefore = await balance(alice);
  const refunded = await client.execute(carol, escrow, { refund: { id: 'lapsed' } }, FEE);
  t.equal(attr(refunded.events, 'to'), alice);
  t.equal(await balance(alice), aliceBefore + 700n, 'the source got its funds back (carol paid the fee)');
  t.equal(await balance(escrow), 0n);
  t.same(await client.queryContractSmart(escrow, { list: {} }), { escrows: [] });
  await t.rejects(client.queryContractSmart(escrow, { details: { id: 'lapsed' } }), /Escrow lapsed not found/);
});
