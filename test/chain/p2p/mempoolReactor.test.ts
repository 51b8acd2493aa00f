// Gossiped txs are verified off the main thread before CheckTx, and still reach CheckTx in the order they came.
import t from 'tap';
import type { Mempool } from '../../../chain/mempool/mempool.js';
import { Channel, MempoolReactor } from '../../../chain/p2p/reactors.js';
import type { P2PSwitch } from '../../../chain/p2p/switch.js';
import { until } from '../../helpers/wait.js';

function harness(preVerify?: (tx: Uint8Array) => Promise<void>) {
  let deliver: (peer: string, payload: Uint8Array) => void = () => {};
  const relayed: number[] = [];
  const skipped: Array<readonly string[]> = [];
  const checked: number[] = [];
  const sw = {
    onMessage: (ch: number, fn: typeof deliver) => {
      if (ch === Channel.mempool) deliver = fn;
    },
    broadcast: (_ch: number, payload: Uint8Array, except: readonly string[]) => (relayed.push(payload[0]!), skipped.push(except)),
  } as unknown as P2PSwitch;
  const mempool = { add: (tx: Uint8Array) => (checked.push(tx[0]!), { result: { code: 0 } }) } as unknown as Mempool;
  const reactor = new MempoolReactor(sw, mempool, preVerify);
  return { deliver: (n: number, peer = 'peer') => deliver(peer, Uint8Array.of(n)), checked, relayed, skipped, reactor };
}

t.test('CheckTx waits for each verification and keeps the arrival order', async (t) => {
  const release = new Map<number, () => void>();
  const h = harness((tx) => new Promise<void>((r) => release.set(tx[0]!, r)));
  for (const n of [1, 2, 3]) h.deliver(n);
  h.deliver(2); // a duplicate is dropped before any work
  await new Promise((r) => setImmediate(r));
  t.same(h.checked, [], 'nothing checked before its signatures are verified');
  release.get(3)!();
  release.get(2)!();
  await new Promise((r) => setTimeout(r, 20));
  t.same(h.checked, [], 'tx 3 and 2 wait for tx 1: a sender\'s sequence order is kept');
  release.get(1)!();
  t.ok(await until(() => h.checked.length === 3, 2000));
  t.same(h.checked, [1, 2, 3]);
  t.same(h.relayed, [1, 2, 3], 'and relayed once accepted');
});

t.test('a tx is relayed to every peer but those that sent it, however many copies came while it waited', async (t) => {
  let release = () => {};
  const h = harness(() => new Promise<void>((r) => (release = r)));
  h.deliver(9, 'alice');
  h.deliver(9, 'bob');
  h.deliver(9, 'alice');
  release();
  t.ok(await until(() => h.relayed.length === 1, 2000));
  t.same(h.checked, [9], 'checked once');
  t.same(h.skipped, [['alice', 'bob', 'alice']], 'neither alice nor bob gets it back');
  h.deliver(9, 'carol');
  await new Promise((r) => setTimeout(r, 20));
  t.same(h.relayed, [9], 'a copy after the relay is dropped as seen');
});

t.test('a verifier that throws or rejects does not lose the tx: CheckTx decides', async (t) => {
  const h = harness((tx) => {
    if (tx[0] === 1) throw new Error('cannot read');
    return Promise.reject(new Error('pool gone'));
  });
  h.deliver(1);
  h.deliver(2);
  t.ok(await until(() => h.checked.length === 2, 2000));
  t.same(h.checked, [1, 2]);
});

t.test('without a verifier, txs go straight to CheckTx', async (t) => {
  const h = harness();
  h.deliver(7);
  t.ok(await until(() => h.checked.length === 1, 2000));
});

t.test('after stop, nothing reaches CheckTx: not the queued txs, not those whose verification ends later', async (t) => {
  const release = new Map<number, () => void>();
  const h = harness((tx) => new Promise<void>((r) => release.set(tx[0]!, r)));
  h.deliver(1);
  h.deliver(2);
  release.get(1)!(); // a slice is scheduled for tx 1
  await Promise.resolve();
  h.reactor.stop(); // the node stops (its store is about to close)
  release.get(2)!();
  h.deliver(3);
  await new Promise((r) => setTimeout(r, 30));
  t.same(h.checked, [], 'no CheckTx ran after the stop');
});
