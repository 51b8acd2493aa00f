import t from 'tap';
import { msgSend, secpAccounts, signTx } from '../helpers/chain.js';
import { serveTestNode } from '../helpers/e2e.js';

/** The gateway over real sockets: limits (rate, websocket connections and subscriptions), CORS, events. */
const wsSpecifier = 'ws';
const wsModule = (await import(wsSpecifier)) as { default: any; WebSocket?: any };
const WebSocket = wsModule.WebSocket ?? wsModule.default;

const [alice, bob] = await secpAccounts(2);
const { servers } = await serveTestNode(t, [alice!.address], {
  rate_limit_per_minute: 40,
  max_ws_connections: 2,
  max_subscriptions_per_client: 2,
  cors_origins: ['https://wallet.example'],
});
const wsUrl = servers.rpcUrl.replace(/^http/, 'ws') + '/websocket';

/** A websocket client that collects every message. */
async function open() {
  const socket = new WebSocket(wsUrl);
  const messages: any[] = [];
  const waiters: Array<() => void> = [];
  socket.on('message', (d: Buffer) => {
    messages.push(JSON.parse(d.toString()));
    waiters.splice(0).forEach((w) => w());
  });
  await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject), socket.once('unexpected-response', (_req: unknown, res: any) => reject(Object.assign(new Error('refused'), { status: res.statusCode })))));
  const next = async (pred: (m: any) => boolean) => {
    for (;;) {
      const m = messages.find(pred);
      if (m) return m;
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  const request = (id: number | string, method: string, params: unknown = {}) => {
    socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    return next((m) => m.id === id && ('error' in m || ('result' in m && !('query' in (m.result ?? {})))));
  };
  return { socket, messages, next, request, close: () => socket.close() };
}

t.test('REST over a real socket with CORS for the configured origin', async (t) => {
  const res = await fetch(`${servers.apiUrl}/cosmos/bank/v1beta1/balances/${alice!.address}`, { headers: { origin: 'https://wallet.example' } });
  t.equal(res.status, 200);
  t.equal(res.headers.get('access-control-allow-origin'), 'https://wallet.example');
  t.same(((await res.json()) as any).balances, [{ denom: 'uviv', amount: '1000000000000' }]);
  const other = await fetch(`${servers.apiUrl}/cosmos/bank/v1beta1/params`, { headers: { origin: 'https://evil.example' } });
  t.equal(other.headers.get('access-control-allow-origin'), null, 'other origins get no CORS grant');
});

t.test('websocket: calls, subscriptions with conditions, caps', async (t) => {
  const c = await open();
  t.teardown(() => c.close());
  t.equal((await c.request(1, 'status')).result.node_info.network, 'vivian-test-1', 'ordinary calls over the websocket');
  t.same((await c.request(2, 'subscribe', { query: `tm.event='Tx' AND message.sender='${alice!.address}'` })).result, {});
  t.same((await c.request(3, 'subscribe', { query: "tm.event='NewBlock'" })).result, {});
  const third = await c.request(4, 'subscribe', { query: "tm.event='NewBlockHeader'" });
  t.match(third.error, { code: -32603, data: /limit is 2 \(max_subscriptions_per_client\)/ }, 'subscription cap');
  t.match((await c.request(5, 'subscribe', { query: 'tm.event =' })).error, { data: /invalid query/ });

  const tx = await signTx(alice!, [msgSend(alice!.address, bob!.address, 3n)], { accountNumber: 1n, sequence: 0n });
  t.equal((await c.request(6, 'broadcast_tx_sync', { tx: Buffer.from(tx).toString('base64') })).result.code, 0);
  const txEvent = await c.next((m) => m.id === 2 && m.result?.query);
  t.equal(txEvent.result.data.type, 'tendermint/event/Tx');
  t.equal(txEvent.result.data.value.TxResult.tx, Buffer.from(tx).toString('base64'));
  t.ok(txEvent.result.events['message.sender'].includes(alice!.address), 'events map of the tx');
  t.same(txEvent.result.events['tm.event'], ['Tx']);
  const blockEvent = await c.next((m) => m.id === 3 && m.result?.query);
  t.equal(blockEvent.result.data.type, 'tendermint/event/NewBlock');
  t.equal(blockEvent.result.data.value.block.data.txs.length, 1);
  const txResults = blockEvent.result.data.value.result_finalize_block.tx_results;
  t.equal(txResults.length, 1, "result_finalize_block lists the block's tx results");
  t.equal(txResults[0].code, 0);
  t.ok(txResults[0].events.some((e: { type: string }) => e.type === 'transfer'), 'with their events');

  t.same((await c.request(7, 'unsubscribe', { query: "tm.event='NewBlock'" })).result, {});
  t.match((await c.request(8, 'unsubscribe', { query: "tm.event='NewBlock'" })).error, { data: /not found/ });
  t.same((await c.request(9, 'unsubscribe_all')).result, {});
  c.socket.send('{not json');
  t.equal((await c.next((m) => m.error?.code === -32700)).id, -1, 'invalid JSON answered with a parse error');

  const second = await open();
  t.teardown(() => second.close());
  // a query that names no tm.event matches events of every kind that carry its attributes (here: the tx)
  t.same((await second.request(1, 'subscribe', { query: `transfer.recipient='${bob!.address}'` })).result, {});
  const tx2 = await signTx(alice!, [msgSend(alice!.address, bob!.address, 4n)], { accountNumber: 1n, sequence: 1n });
  t.equal((await second.request(2, 'broadcast_tx_sync', { tx: Buffer.from(tx2).toString('base64') })).result.code, 0);
  const anyKind = await second.next((m) => m.id === 1 && m.result?.query);
  t.equal(anyKind.result.data.type, 'tendermint/event/Tx');
  t.equal(anyKind.result.data.value.TxResult.tx, Buffer.from(tx2).toString('base64'));
  const refused = await open().then(
    () => 0,
    (e: { status?: number }) => e.status,
  );
  t.equal(refused, 429, 'connection cap: the third websocket is refused');
});

t.test('per-IP rate limit: 429 with Retry-After, on both servers', async (t) => {
  let last: Response | undefined;
  for (let i = 0; i < 60; i++) {
    last = await fetch(`${servers.apiUrl}/cosmos/bank/v1beta1/params`);
    if (last.status === 429) break;
  }
  t.equal(last!.status, 429);
  t.ok(Number(last!.headers.get('retry-after')) > 0, 'Retry-After set');
  t.match(await last!.json(), { code: 8, message: /rate limit/i });
  let rpcLast: Response | undefined;
  for (let i = 0; i < 60; i++) {
    rpcLast = await fetch(`${servers.rpcUrl}/health`);
    if (rpcLast.status === 429) break;
  }
  t.equal(rpcLast!.status, 429);
  t.match(((await rpcLast!.json()) as any).error, { code: -32000 });
});
