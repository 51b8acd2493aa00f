/**
 * Gateway benchmark: balance queries (Cosmos REST) and tx broadcasts (JSON-RPC broadcast_tx_sync) driven by
 * autocannon against a node running in a child process (its own event loop and core, as in production).
 * Broadcast txs are signed before the clock starts (signing is the wallet's cost).
 *
 * Usage: npm run bench -- gateway [--quick] [--json]
 * Target on a 2-core machine: >= 5,000 balance queries/s, p99 < 20 ms, zero errors.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { TxBody, AuthInfo, TxRaw, SignDoc } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { SignMode } from 'cosmjs-types/cosmos/tx/signing/v1beta1/signing';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { ed25519PublicKey, signEd25519 } from '../../chain/crypto/ed25519.js';
import { encodePubKeyAny, addressOfPubKey } from '../../chain/crypto/pubkeys.js';
import { toBech32Address } from '../../chain/crypto/addresses.js';

const CHAIN = 'vivian-bench-gw-1';
const quick = process.argv.includes('--quick');
const json = process.argv.includes('--json');

// ------------------------------------------------------------------ child: the node and its servers
if (process.argv.includes('--child')) {
  const { DEFAULT_CONFIG } = await import('../../chain/node/config.js');
  const { initHome } = await import('../../chain/node/home.js');
  const { VivianNode } = await import('../../chain/node/node.js');
  const { startServers } = await import('../../chain/api/index.js');
  const { Bucket } = await import('../../chain/store/buckets.js');
  const addresses: string[] = JSON.parse(readFileSync(process.argv[process.argv.indexOf('--child') + 1]!, 'utf8'));
  const home = mkdtempSync(join(tmpdir(), 'vivian-bench-gw-'));
  initHome(home, { chainId: CHAIN, moniker: 'bench', balances: addresses.map((address) => ({ address, coins: [{ denom: 'uviv', amount: '1000000000' }] })) });
  const config = { ...DEFAULT_CONFIG, min_gas_price: '0uviv', block_time_ms: 200, no_sync: true, rpc_port: 0, api_port: 0, rate_limit_per_minute: 0, mempool_max_txs: 200_000 };
  const node = VivianNode.open(home, config);
  node.start();
  const servers = await startServers(node);
  const state = node.db.bucketReader(Bucket.State);
  const accountNumbers = addresses.map((a) => node.app.auth.getAccount(state, a)!.accountNumber.toString());
  process.stdout.write(JSON.stringify({ rpcUrl: servers.rpcUrl, apiUrl: servers.apiUrl, accountNumbers }) + '\n');
  const stop = async () => {
    process.stderr.write(`child: height ${node.app.height}, ledger ${node.reader.ledgerSize()} txs, mempool ${node.mempool.size}\n`);
    await servers.close();
    await node.stop();
    rmSync(home, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  await new Promise(() => {});
}

// ------------------------------------------------------------------ parent: load generator
const SENDERS = quick ? 3_000 : 12_000;
const QUERY_SECONDS = quick ? 5 : 15;

interface Sender { priv: Uint8Array; pub: Uint8Array; address: string }
const senders: Sender[] = Array.from({ length: SENDERS }, () => {
  const priv = new Uint8Array(randomBytes(32));
  const pub = ed25519PublicKey(priv);
  return { priv, pub, address: toBech32Address(addressOfPubKey({ algo: 'ed25519', key: pub })) };
});

function signedSend(s: Sender, accountNumber: bigint, to: string): Uint8Array {
  const bodyBytes = TxBody.encode(TxBody.fromPartial({
    messages: [{ typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: MsgSend.encode({ fromAddress: s.address, toAddress: to, amount: [{ denom: 'uviv', amount: '1' }] }).finish() }],
  })).finish();
  const authInfoBytes = AuthInfo.encode(AuthInfo.fromPartial({
    signerInfos: [{ publicKey: encodePubKeyAny({ algo: 'ed25519', key: s.pub }), modeInfo: { single: { mode: SignMode.SIGN_MODE_DIRECT } }, sequence: 0n }],
    fee: { amount: [{ denom: 'uviv', amount: '2500' }], gasLimit: 100_000n },
  })).finish();
  const doc = SignDoc.encode({ bodyBytes, authInfoBytes, chainId: CHAIN, accountNumber }).finish();
  return TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [signEd25519(s.priv, doc)] }).finish();
}

const dir = mkdtempSync(join(tmpdir(), 'vivian-bench-gw-list-'));
const listFile = join(dir, 'addresses.json');
writeFileSync(listFile, JSON.stringify(senders.map((s) => s.address)));
const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', listFile], { stdio: ['ignore', 'pipe', 'inherit'] });
const ready = await new Promise<{ rpcUrl: string; apiUrl: string; accountNumbers: string[] }>((resolve, reject) => {
  child.once('exit', (code) => reject(new Error(`the node process exited with ${code}`)));
  createInterface({ input: child.stdout! }).once('line', (l) => resolve(JSON.parse(l)));
});

const bodies = senders.map((s, i) =>
  JSON.stringify({ jsonrpc: '2.0', id: i, method: 'broadcast_tx_sync', params: { tx: Buffer.from(signedSend(s, BigInt(ready.accountNumbers[i]!), senders[(i + 1) % SENDERS]!.address)).toString('base64') } }),
);

/** The part of autocannon's API used here (the package ships no types). */
interface Result {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
}
interface RequestSpec {
  method?: string;
  headers?: Record<string, string>;
  setupRequest?: (req: Record<string, unknown>) => Record<string, unknown>;
  onResponse?: (status: number, body: string) => void;
}
type Autocannon = (opts: { url: string; connections: number; duration?: number; amount?: number; requests?: RequestSpec[] }, cb: (err: Error | null, res: Result) => void) => void;
const autocannonSpecifier = 'autocannon';
const autocannon = ((await import(autocannonSpecifier)) as { default: Autocannon }).default;
const run = (opts: Parameters<Autocannon>[0]) => new Promise<Result>((resolve, reject) => autocannon(opts, (err, res) => (err ? reject(err) : resolve(res))));

// warm up (JIT, schemas), then measure balance queries
const balanceUrl = `${ready.apiUrl}/cosmos/bank/v1beta1/balances/${senders[0]!.address}`;
await run({ url: balanceUrl, connections: 10, duration: 1 });
const query = await run({ url: balanceUrl, connections: 16, duration: QUERY_SECONDS });

let next = 0;
let refused = 0;
const broadcast = await run({
  url: ready.rpcUrl,
  connections: 8,
  amount: SENDERS,
  requests: [
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }),
      onResponse: (status, body) => {
        if (status !== 200 || JSON.parse(body).result?.code !== 0) refused++;
      },
    },
  ],
});

child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
rmSync(dir, { recursive: true, force: true });

const errorsOf = (r: Result) => r.errors + r.timeouts + r.non2xx;
const figures = {
  query_rps: Math.round(query.requests.average),
  query_p50_ms: query.latency.p50,
  query_p99_ms: query.latency.p99,
  broadcast_rps: Math.round(broadcast.requests.average || broadcast.requests.total / Math.max(1, broadcast.duration)),
  broadcast_p50_ms: broadcast.latency.p50,
  broadcast_p99_ms: broadcast.latency.p99,
  broadcast_refused: refused,
  errors: errorsOf(query) + errorsOf(broadcast),
};
const rows = [
  ['workload', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'errors'],
  ['REST balance query (16 conns)', String(figures.query_rps), String(query.latency.p50), String(query.latency.p99), String(query.requests.total), String(errorsOf(query))],
  ['RPC broadcast_tx_sync (8 conns)', String(figures.broadcast_rps), String(broadcast.latency.p50), String(broadcast.latency.p99), String(broadcast.requests.total), `${errorsOf(broadcast)} (+${refused} refused by CheckTx)`],
];
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
process.stdout.write(`\nGateway benchmark${quick ? ' (quick)' : ''}: node in a child process, autocannon in this one\n`);
for (const r of rows) process.stdout.write(r.map((c, i) => c.padEnd(widths[i]!)).join('  ') + '\n');
process.stdout.write(`target: >= 5000 balance queries/s with p99 < 20 ms and zero errors -> ${figures.query_rps >= 5000 && figures.query_p99_ms < 20 && figures.errors === 0 ? 'met' : 'NOT met'}\n`);
if (json) process.stdout.write(JSON.stringify(figures) + '\n');
