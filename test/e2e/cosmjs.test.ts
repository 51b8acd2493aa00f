import t from 'tap';
import { GasPrice, SigningStargateClient, StargateClient, calculateFee } from '@cosmjs/stargate';
import { connectComet, type Comet38Client } from '@cosmjs/tendermint-rpc';
import { TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { Ed25519DirectSigner } from '../../chain/crypto/signers.js';
import { secpWallet, CHAIN_ID } from '../helpers/chain.js';
import { serveTestNode } from '../helpers/e2e.js';

/**
 * The bar of the gateway: programs written for any Cosmos chain with @cosmjs work against a VIVIAN node
 * over real sockets, with nothing changed but the URL and the address prefix.
 */
const gasPrice = GasPrice.fromString('0.025uviv');
const wallet = await secpWallet(4);
const accounts = await wallet.getAccounts();
const alice = accounts[0]!.address;
const bob = accounts[1]!.address;
const parallelSender = accounts[2]!.address;
const spender = accounts[3]!.address;
const edSigner = Ed25519DirectSigner.fromKey(new Uint8Array(32).fill(7));
const empty = (await secpWallet([99]).then((w) => w.getAccounts()))[0]!.address;

// @cosmjs/socket's ReconnectingSocket re-opens a websocket after disconnect() (connectComet leaves one behind
// from its version probe) and retries forever once the server is gone: the process exits after teardown
const { servers } = await serveTestNode(t, [alice, parallelSender, spender, edSigner.address], { rate_limit_per_minute: 0 }, { exitAfter: true });

// blocks come as soon as txs arrive: poll for inclusion faster than cosmjs's default 3 s
const fast = { gasPrice, broadcastPollIntervalMs: 100 };
const client = await SigningStargateClient.connectWithSigner(servers.rpcUrl, wallet, fast);
t.teardown(() => client.disconnect());

t.test('reads: chain id, height, accounts, balances', async (t) => {
  t.equal(await client.getChainId(), CHAIN_ID);
  t.ok((await client.getHeight()) >= 1, 'a block exists');
  const acc = await client.getAccount(alice);
  t.equal(acc?.address, alice);
  t.equal(acc?.pubkey, null, 'no pubkey before the first tx');
  t.equal(await client.getAccount(empty), null, 'unknown account is null');
  t.same(await client.getBalance(empty, 'uviv'), { denom: 'uviv', amount: '0' }, 'empty balance is 0');
  t.same(await client.getAllBalances(alice), [{ denom: 'uviv', amount: '1000000000000' }]);
  t.same(await client.getSequence(alice), { accountNumber: acc!.accountNumber, sequence: 0 });
});

let sentHash = '';
let sentHeight = 0;
t.test('sendTokens with fee "auto", then getTx, searchTx and getBlock', async (t) => {
  const res = await client.sendTokens(alice, bob, [{ denom: 'uviv', amount: '12345' }], 'auto', 'hello');
  t.equal(res.code, 0, res.rawLog ?? '');
  t.ok(res.gasUsed > 0n && res.gasUsed <= res.gasWanted, 'gas used within the simulated limit');
  sentHash = res.transactionHash;
  sentHeight = res.height;
  t.same(await client.getBalance(bob, 'uviv'), { denom: 'uviv', amount: '12345' });
  t.equal((await client.getSequence(alice)).sequence, 1);
  t.ok((await client.getAccount(alice))?.pubkey, 'pubkey set after the first tx');

  const tx = await client.getTx(sentHash);
  t.equal(tx?.hash, sentHash);
  t.equal(tx?.height, sentHeight);
  t.ok(tx?.events.some((e) => e.type === 'transfer'), 'transfer event');
  t.equal(await client.getTx('00'.repeat(32)), null, 'unknown hash is null');

  const bySender = await client.searchTx([{ key: 'message.sender', value: alice }]);
  t.ok(bySender.some((x) => x.hash === sentHash), 'found by sender');
  const byHeight = await client.searchTx(`tx.height=${sentHeight}`);
  t.ok(byHeight.some((x) => x.hash === sentHash), 'found by height');
  const both = await client.searchTx([{ key: 'transfer.recipient', value: bob }, { key: 'message.sender', value: alice }]);
  t.equal(both.length, 1, 'conditions across event types');

  const block = await client.getBlock(sentHeight);
  t.equal(block.header.height, sentHeight);
  t.equal(block.header.chainId, CHAIN_ID);
  t.ok(block.txs.length >= 1);
  const latest = await client.getBlock();
  t.ok(latest.header.height >= sentHeight);
});

t.test('a tx that fails in its block is searchable too', async (t) => {
  // the spend passes CheckTx after the incoming transfer, but pays a higher fee, so the block runs it first
  const signSend = async (from: string, amount: string, feeAmount: string) => {
    const { accountNumber, sequence } = await client.getSequence(from);
    const msg = { typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: { fromAddress: from, toAddress: from === alice ? spender : bob, amount: [{ denom: 'uviv', amount }] } };
    return client.sign(from, [msg], { amount: [{ denom: 'uviv', amount: feeAmount }], gas: '120000' }, '', { accountNumber, sequence, chainId: CHAIN_ID });
  };
  const txs = [await signSend(alice, '900000000000', '3000'), await signSend(spender, '1500000000000', '30000')].map((s) => Buffer.from(TxRaw.encode(s).finish()).toString('base64'));
  // one JSON-RPC batch: both reach the mempool before the next block
  const res = await fetch(servers.rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(txs.map((tx, id) => ({ jsonrpc: '2.0', id, method: 'broadcast_tx_sync', params: { tx } }))),
  });
  const answers = (await res.json()) as Array<{ id: number; result: { code: number; hash: string } }>;
  t.same(answers.map((a) => a.result.code), [0, 0], 'both pass CheckTx');
  const failedHash = answers[1]!.result.hash;
  let found = null;
  for (let i = 0; i < 100 && !found; i++) {
    found = await client.getTx(failedHash);
    if (!found) await new Promise((r) => setTimeout(r, 25));
  }
  t.equal(found?.code, 5, 'committed with insufficient funds');
  const search = await client.searchTx(`tx.hash='${failedHash}'`);
  t.equal(search.length, 1, 'found by tx_search on tx.hash');
});

t.test('an ed25519 signer sends the same way', async (t) => {
  const edClient = await SigningStargateClient.connectWithSigner(servers.rpcUrl, edSigner, fast);
  t.teardown(() => edClient.disconnect());
  const res = await edClient.sendTokens(edSigner.address, bob, [{ denom: 'uviv', amount: '7' }], 'auto');
  t.equal(res.code, 0, res.rawLog ?? '');
  t.ok(await edClient.getTx(res.transactionHash));
});

t.test('parallel sends from one account with explicit sequences all commit', async (t) => {
  const n = 12;
  const { accountNumber, sequence } = await client.getSequence(parallelSender);
  const fee = calculateFee(120_000, gasPrice);
  const signed = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      client.sign(parallelSender, [{ typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: { fromAddress: parallelSender, toAddress: bob, amount: [{ denom: 'uviv', amount: String(i + 1) }] } }], fee, '', {
        accountNumber,
        sequence: sequence + i,
        chainId: CHAIN_ID,
      }),
    ),
  );
  // broadcast in reverse order: later sequences arrive first and must wait, not fail
  const bytes = signed.map((s) => TxRaw.encode(s).finish()).reverse();
  const hashes = await Promise.all(bytes.map((b) => client.broadcastTxSync(b)));
  const results = await Promise.all(hashes.map(async (h) => {
    for (let i = 0; i < 200; i++) {
      const found = await client.getTx(h);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 25));
    }
    return null;
  }));
  t.equal(results.filter((r) => r?.code === 0).length, n, 'every tx committed with code 0');
  t.equal((await client.getSequence(parallelSender)).sequence, sequence + n);
});

t.test('connectComet over websocket: NewBlock and Tx subscriptions', async (t) => {
  const comet = (await connectComet(servers.rpcUrl.replace(/^http/, 'ws'))) as Comet38Client;
  t.teardown(() => comet.disconnect());
  const status = await comet.status();
  t.equal(status.nodeInfo.network, CHAIN_ID);
  const gotBlock = new Promise<number>((resolve, reject) => {
    const sub = comet.subscribeNewBlock().subscribe({ next: (b) => (sub.unsubscribe(), resolve(b.header.height)), error: reject });
  });
  const gotTx = new Promise<string>((resolve, reject) => {
    const sub = comet.subscribeTx(`message.sender='${alice}'`).subscribe({ next: (e) => (sub.unsubscribe(), resolve(Buffer.from(e.hash).toString('hex').toUpperCase())), error: reject });
  });
  await new Promise((r) => setTimeout(r, 100)); // let the subscribe requests reach the server
  const res = await client.sendTokens(alice, bob, [{ denom: 'uviv', amount: '1' }], 'auto');
  t.equal(res.code, 0);
  t.ok((await gotBlock) >= 1, 'NewBlock event');
  t.equal(await gotTx, res.transactionHash, 'Tx event for the sender');
  // xstream stops a producer a tick after its last listener leaves; let the unsubscribe requests go out
  // before disconnecting, or cosmjs reconnects to send them
  await new Promise((r) => setTimeout(r, 100));
});

t.test('a read-only StargateClient over http', async (t) => {
  const ro = await StargateClient.connect(servers.rpcUrl);
  t.teardown(() => ro.disconnect());
  t.equal(await ro.getChainId(), CHAIN_ID);
  t.ok((await ro.getTx(sentHash))?.height === sentHeight);
});
