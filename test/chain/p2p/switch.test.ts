import t from 'tap';
import { sleep, until } from '../../helpers/wait.js';
import { connect } from 'node:net';
import { newEd25519Key } from '../../../chain/node/home.js';
import { P2PSwitch, parsePeerAddress } from '../../../chain/p2p/switch.js';
import { handshake, nodeIdOf } from '../../../chain/p2p/secretConnection.js';
import { P2PErrors } from '../../../chain/p2p/errors.js';

const CH = 0x20;

function makeSwitch(t: { teardown(fn: () => unknown): void }, o: { network?: string; peers?: string[]; maxBytes?: number; log?: string[] } = {}) {
  const key = newEd25519Key();
  const sw = new P2PSwitch({
    identity: key,
    network: o.network ?? 'net-1',
    listenHost: '127.0.0.1',
    listenPort: 0,
    persistentPeers: o.peers ?? [],
    channels: [{ id: CH, maxMessageBytes: o.maxBytes ?? 1024 }],
    log: (l) => o.log?.push(l),
  });
  t.teardown(() => sw.stop());
  return sw;
}

t.test('peer addresses', async (t) => {
  const id = 'ab'.repeat(20);
  t.same(parsePeerAddress(`${id}@127.0.0.1:26656`), { id, host: '127.0.0.1', port: 26656 });
  t.throws(() => parsePeerAddress('127.0.0.1:26656'), P2PErrors.badAddress());
  t.throws(() => parsePeerAddress(`${id}@host:99999`));
});

t.test('two nodes authenticate each other and exchange messages both ways', async (t) => {
  const a = makeSwitch(t);
  await a.start();
  const b = makeSwitch(t, { peers: [`${a.nodeId}@127.0.0.1:${a.port}`] });
  const gotA: string[] = [];
  const gotB: string[] = [];
  a.onMessage(CH, (peer, p) => gotA.push(`${peer}:${Buffer.from(p).toString()}`));
  b.onMessage(CH, (peer, p) => gotB.push(`${peer}:${Buffer.from(p).toString()}`));
  await b.start();
  t.ok(await until(() => a.peerIds.length === 1 && b.peerIds.length === 1), 'connected');
  t.same(a.peerIds, [b.nodeId], 'a knows b by its node key');
  t.same(b.peerIds, [a.nodeId]);
  a.broadcast(CH, Buffer.from('hello b'));
  b.send(a.nodeId, CH, Buffer.from('hello a'));
  t.ok(await until(() => gotA.length === 1 && gotB.length === 1));
  t.same(gotB, [`${a.nodeId}:hello b`]);
  t.same(gotA, [`${b.nodeId}:hello a`]);
});

t.test('a peer of another network, or with another key than the address says, is refused', async (t) => {
  const a = makeSwitch(t);
  await a.start();
  const other = makeSwitch(t, { network: 'net-2', peers: [`${a.nodeId}@127.0.0.1:${a.port}`] });
  await other.start();
  const impostorLog: string[] = [];
  const impostor = makeSwitch(t, { peers: [`${'cd'.repeat(20)}@127.0.0.1:${a.port}`], log: impostorLog });
  await impostor.start();
  await sleep(600);
  t.same(a.peerIds, [], 'nobody got in');
  t.same(other.peerIds, []);
  t.ok(impostorLog.some((l) => l.includes('expecting')), 'the dialler noticed the key mismatch');
});

t.test('garbage instead of a handshake, and an oversized frame after it, close the connection', async (t) => {
  const a = makeSwitch(t, { maxBytes: 100 });
  await a.start();
  const raw = connect({ host: '127.0.0.1', port: a.port });
  let closed = false;
  raw.on('close', () => (closed = true));
  raw.on('error', () => {});
  raw.resume(); // read the server's hello so the close is seen
  raw.write(Buffer.alloc(64, 0x41));
  t.ok(await until(() => closed), 'garbage: closed');

  const sock = connect({ host: '127.0.0.1', port: a.port });
  await new Promise((r) => sock.on('connect', r));
  const conn = await handshake(sock, true, { identity: newEd25519Key(), network: 'net-1', maxFrameBytes: 1 << 20 });
  t.equal(conn.peerId, a.nodeId);
  t.ok(await until(() => a.peerIds.length === 1));
  let gone = false;
  conn.on('close', () => (gone = true));
  conn.send(CH, new Uint8Array(10_000));
  t.ok(await until(() => gone), 'our side sees the close');
  t.ok(await until(() => a.peerIds.length === 0), 'the peer that sent an oversized frame is gone');
});

t.test('invalid messages score a peer down until it is dropped and banned', async (t) => {
  const log: string[] = [];
  const a = makeSwitch(t, { log });
  a.onMessage(CH, () => {
    throw P2PErrors.badFrame('test: not a valid message');
  });
  await a.start();
  const b = makeSwitch(t, { peers: [`${a.nodeId}@127.0.0.1:${a.port}`] });
  b.onMessage(CH, () => {});
  await b.start();
  t.ok(await until(() => a.peerIds.length === 1));
  b.send(a.nodeId, CH, Buffer.from('bad'));
  t.ok(await until(() => a.scoreOf(b.nodeId) === -20), 'scored down by 20');
  t.ok(log.some((l) => l.includes('invalid message') && l.includes('score -20')), 'with a log line');
  for (let i = 0; i < 4; i++) b.send(a.nodeId, CH, Buffer.from('bad'));
  t.ok(await until(() => a.peerIds.length === 0), 'dropped at the floor');
  t.ok(log.some((l) => l.includes('banned')));
  await sleep(700);
  t.same(a.peerIds, [], 'and not let back in while banned');
  t.equal(nodeIdOf(newEd25519Key().publicKey).length, 40);
});
