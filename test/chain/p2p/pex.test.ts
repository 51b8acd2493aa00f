import t from 'tap';
import { sleep, until } from '../../helpers/wait.js';
import { DEFAULT_CONFIG, validateConfig } from '../../../chain/node/config.js';
import { newEd25519Key } from '../../../chain/node/home.js';
import { AddressBook } from '../../../chain/p2p/addressBook.js';
import {
  ADDRS_PER_ANSWER,
  MAX_ADDRS_PER_MESSAGE,
  PEX_CHANNEL,
  PexReactor,
  decodePex,
  encodePex,
  pexChannelSpec,
  type PexMessage,
} from '../../../chain/p2p/pex.js';
import { P2PSwitch, PENALTY, type PeerAddress } from '../../../chain/p2p/switch.js';
import { VivianError } from '../../../chain/types/errors.js';

const CH = 0x20;

const idOf = (n: number) => n.toString(16).padStart(40, '0');
const addr = (n: number, port = 26656): PeerAddress => ({ id: idOf(n), host: '127.0.0.1', port });
const SELF = idOf(0);

t.test('address book: bounded, proven addresses kept over hearsay, failing ones backed off then forgotten', async (t) => {
  const book = new AddressBook(SELF, { capacity: 4, maxFailures: 3, baseBackoffMs: 100, maxBackoffMs: 1000 });
  t.notOk(book.add(addr(0)), 'never its own address');
  t.ok(book.add(addr(1), { seed: true }));
  t.ok(book.add(addr(2), { proven: true }));
  t.ok(book.add(addr(3)));
  t.notOk(book.add({ ...addr(2), port: 1 }), 'hearsay does not replace a known address');
  t.equal(book.get(idOf(2))!.addr.port, 26656);
  t.ok(book.add({ ...addr(3), port: 2 }, { proven: true }), "a node's own advertisement replaces hearsay");
  t.equal(book.get(idOf(3))!.addr.port, 2);
  t.ok(book.add(addr(4)));
  t.equal(book.size, 4);
  // full: a hearsay newcomer may only evict another hearsay entry (here addr 4), never the seed or proven ones
  t.ok(book.add(addr(5)));
  t.equal(book.size, 4, 'never above capacity');
  t.ok(book.get(idOf(1)) && book.get(idOf(2)) && book.get(idOf(3)), 'seed and proven entries stay');
  t.notOk(book.get(idOf(4)), 'the other hearsay entry made room');
  book.markGood(idOf(5));
  t.notOk(book.add(addr(6)), 'full of seed and proven entries: hearsay is refused');
  t.equal(book.size, 4);

  // dialling order: seeds first; backoff after failures
  const now = 1_000_000;
  t.same(book.dialable(now, () => false)[0], addr(1), 'the seed comes first');
  book.markFailed(idOf(1), now);
  t.notOk(book.dialable(now + 50, () => false).some((a) => a.id === idOf(1)), 'backed off');
  t.ok(book.dialable(now + 100, () => false).some((a) => a.id === idOf(1)), 'dialable again after the backoff');
  for (let i = 0; i < 10; i++) book.markFailed(idOf(1), now);
  t.ok(book.get(idOf(1)), 'a seed is never forgotten');
  t.ok(book.get(idOf(1))!.nextDialMs <= now + 1000, 'backoff is capped');
  t.same(book.dialable(now, (id) => id !== idOf(2)), [addr(2)], 'skip excludes connected or dialling nodes');

  const hearsay = new AddressBook(SELF, { maxFailures: 2 });
  hearsay.add(addr(7));
  hearsay.markFailed(idOf(7), now);
  t.ok(hearsay.get(idOf(7)));
  hearsay.markFailed(idOf(7), now);
  t.notOk(hearsay.get(idOf(7)), 'an unproven address that keeps failing is forgotten');
});

t.test('address book: answers are bounded, shuffled samples of proven addresses', async (t) => {
  const book = new AddressBook(SELF);
  for (let i = 1; i <= 60; i++) book.add(addr(i), { proven: i <= 50 });
  const s = book.sample(ADDRS_PER_ANSWER, (id) => id === idOf(1));
  t.equal(s.length, ADDRS_PER_ANSWER);
  t.equal(new Set(s.map((a) => a.id)).size, s.length, 'no duplicates');
  t.ok(
    s.every((a) => a.id !== idOf(1) && Number.parseInt(a.id, 16) <= 50),
    'excluded ids and unproven hearsay are never handed out',
  );
  const orders = new Set(Array.from({ length: 5 }, () => book.sample(50, () => false).map((a) => a.id).join()));
  t.ok(orders.size > 1, 'the order differs between answers');
});

t.test('pex messages: round trip; malformed, oversized and over-long lists refused', async (t) => {
  const msgs: PexMessage[] = [
    { type: 'request' },
    { type: 'self', addr: addr(1) },
    { type: 'addrs', addrs: [addr(2), { id: idOf(3), host: '::1', port: 9 }] },
  ];
  for (const m of msgs) t.same(decodePex(encodePex(m)), m, `${m.type} round-trips`);
  const bad = (s: string) => Buffer.from(s);
  t.throws(() => decodePex(bad('{not json')), SyntaxError);
  t.throws(() => decodePex(bad('[]')), TypeError);
  t.throws(() => decodePex(bad('{"type":"gossip"}')), TypeError);
  t.throws(() => decodePex(bad('{"type":"addrs","addrs":"x"}')), TypeError);
  t.throws(() => decodePex(bad('{"type":"addrs","addrs":["127.0.0.1:1"]}')), TypeError, 'address without node id');
  t.throws(() => decodePex(bad(`{"type":"self","addr":"${idOf(1)}@h:70000"}`)), TypeError, 'port out of range');
  const many = JSON.stringify({ type: 'addrs', addrs: Array.from({ length: MAX_ADDRS_PER_MESSAGE + 1 }, (_, i) => `${idOf(i + 1)}@h:1`) });
  t.throws(() => decodePex(bad(many)), RangeError, 'too many addresses');
  t.throws(() => decodePex(new Uint8Array(pexChannelSpec.maxMessageBytes + 1)), RangeError, 'oversized');
  for (const e of ['{not json', '[]', many]) {
    let err: unknown;
    try {
      decodePex(bad(e));
    } catch (x) {
      err = x;
    }
    t.notOk(err instanceof VivianError, 'malformed input is not a typed error: the switch charges the heavier penalty');
  }
});

function makeSwitch(t: { teardown(fn: () => unknown): void }, o: { peers?: string[]; maxPeers?: number } = {}) {
  const sw = new P2PSwitch({
    identity: newEd25519Key(),
    network: 'net-1',
    listenHost: '127.0.0.1',
    listenPort: 0,
    persistentPeers: o.peers ?? [],
    channels: [{ id: CH, maxMessageBytes: 1024 }, pexChannelSpec],
    ...(o.maxPeers !== undefined ? { maxPeers: o.maxPeers } : {}),
  });
  t.teardown(() => sw.stop());
  return sw;
}

function withPex(t: { teardown(fn: () => unknown): void }, sw: P2PSwitch, o: { seeds?: string[]; seedMode?: boolean; privatePeerIds?: string[] } = {}) {
  const pex = new PexReactor(sw, {
    seeds: o.seeds ?? [],
    seedMode: o.seedMode ?? false,
    privatePeerIds: o.privatePeerIds ?? [],
    selfAddress: () => ({ id: sw.nodeId, host: '127.0.0.1', port: sw.port }),
    ensurePeersMs: 100,
  });
  t.teardown(() => pex.stop());
  return pex;
}

const addressOf = (sw: P2PSwitch) => `${sw.nodeId}@127.0.0.1:${sw.port}`;

t.test('nodes that know only a seed find each other; a seed-mode node hangs up after answering', async (t) => {
  const seed = makeSwitch(t);
  withPex(t, seed, { seedMode: true });
  await seed.start();
  const nodes = [0, 1, 2].map(() => makeSwitch(t));
  const pexes = nodes.map((sw) => withPex(t, sw, { seeds: [addressOf(seed)] }));
  for (let i = 0; i < nodes.length; i++) {
    await nodes[i]!.start();
    pexes[i]!.start();
    await sleep(150);
  }
  const meshed = await until(() => nodes.every((a) => nodes.every((b) => a === b || a.isConnected(b.nodeId))), 8000);
  t.ok(meshed, 'the three nodes are connected to each other');
  t.ok(await until(() => nodes.every((n) => !n.isConnected(seed.nodeId)), 3000), 'the seed closed its connections after answering');
  t.ok(nodes.every((n) => n.peerCount === 2));
});

t.test('a node stops dialling at max_peers', async (t) => {
  const others = [0, 1, 2, 3].map(() => makeSwitch(t));
  for (const o of others) await o.start();
  const node = makeSwitch(t, { maxPeers: 2 });
  const pex = withPex(t, node);
  for (const o of others) pex.book.add({ id: o.nodeId, host: '127.0.0.1', port: o.port }, { proven: true });
  await node.start();
  pex.start();
  t.ok(await until(() => node.peerCount === 2));
  await sleep(400);
  t.equal(node.peerCount, 2, 'no more than max_peers');
});

t.test('pex misbehaviour is scored down; other channels keep working', async (t) => {
  const victim = makeSwitch(t);
  const victimPex = withPex(t, victim, { privatePeerIds: [idOf(9)] });
  for (let i = 1; i <= 40; i++) victimPex.book.add(addr(i + 100), { proven: true });
  victimPex.book.add(addr(9), { proven: true });
  const got: string[] = [];
  victim.onMessage(CH, (_peer, p) => got.push(Buffer.from(p).toString()));
  await victim.start();
  // the rogue speaks raw PEX: no reactor of its own
  const rogue = makeSwitch(t, { peers: [addressOf(victim)] });
  const answers: PexMessage[] = [];
  rogue.onMessage(PEX_CHANNEL, (_p, payload) => answers.push(decodePex(payload)));
  rogue.onMessage(CH, () => {});
  await rogue.start();
  t.ok(await until(() => victim.isConnected(rogue.nodeId)));
  const send = (m: PexMessage | string) => rogue.send(victim.nodeId, PEX_CHANNEL, typeof m === 'string' ? Buffer.from(m) : encodePex(m));
  const score = () => victim.scoreOf(rogue.nodeId);

  send({ type: 'request' });
  t.ok(await until(() => answers.some((a) => a.type === 'addrs')), 'a request is answered');
  const answer = answers.find((a) => a.type === 'addrs') as { type: 'addrs'; addrs: PeerAddress[] };
  t.equal(answer.addrs.length, ADDRS_PER_ANSWER, 'with a bounded sample');
  t.notOk(answer.addrs.some((a) => a.id === idOf(9) || a.id === rogue.nodeId), 'never private ids, nor the asker itself');
  t.equal(score(), 0, 'a first request costs nothing');

  send({ type: 'request' });
  t.ok(await until(() => score() === -PENALTY.invalid), 'a request too soon after the last: scored down');
  // the victim, short of peers, asked the rogue on connecting: one answer is welcome, a second is not
  t.ok(answers.some((a) => a.type === 'request'), 'the victim asked its new peer for addresses');
  send({ type: 'addrs', addrs: [addr(500)] });
  t.ok(await until(() => victimPex.book.get(idOf(500)) !== undefined), 'the answer is learnt');
  t.equal(score(), -PENALTY.invalid, 'at no cost');
  send({ type: 'addrs', addrs: [addr(501)] });
  t.ok(await until(() => score() === -2 * PENALTY.invalid), 'addresses nobody asked for: scored down');
  t.notOk(victimPex.book.get(idOf(501)), '...and not learnt');
  send({ type: 'self', addr: addr(502) });
  t.ok(await until(() => score() === -3 * PENALTY.invalid), 'a self address naming another node: scored down');
  rogue.send(victim.nodeId, CH, Buffer.from('still here'));
  t.ok(await until(() => got.includes('still here')), 'other channels unaffected');
  send('{"type":"addrs","addrs":[');
  t.ok(await until(() => victim.scoreOf(rogue.nodeId) === undefined), 'a malformed message on top: banned and disconnected');
});

t.test('config: seeds and the other discovery settings are checked at load', async (t) => {
  const ok = { ...DEFAULT_CONFIG, seeds: [`${idOf(1)}@seed.example:26656`], external_address: '203.0.113.7:26656', private_peer_ids: [idOf(2)] };
  t.doesNotThrow(() => validateConfig(ok));
  t.throws(() => validateConfig({ ...ok, seeds: ['seed.example:26656'] }), /config seeds/);
  t.throws(() => validateConfig({ ...ok, seeds: `${idOf(1)}@h:1` as unknown as string[] }), /config seeds must be a list/);
  t.throws(() => validateConfig({ ...ok, persistent_peers: [`${idOf(1)}@h:0`] }), /config persistent_peers/);
  t.throws(() => validateConfig({ ...ok, max_peers: 0 }), /max_peers/);
  t.throws(() => validateConfig({ ...ok, external_address: 'no-port' }), /external_address/);
  t.throws(() => validateConfig({ ...ok, private_peer_ids: ['abc'] }), /private_peer_ids/);
});
