// Frames carry several messages: what one turn of the event loop queues is sealed and written together.
import t from 'tap';
import { createServer, connect, type Socket } from 'node:net';
import { newEd25519Key } from '../../../chain/node/home.js';
import { handshake, packMessages, unpackMessages, type SecureConnection } from '../../../chain/p2p/secretConnection.js';
import { P2PErrors } from '../../../chain/p2p/errors.js';
import { until } from '../../helpers/wait.js';

const unpacked = (plain: Buffer) => {
  const out: Array<[number, string]> = [];
  unpackMessages(plain, (ch, p) => out.push([ch, Buffer.from(p).toString()]));
  return out;
};

t.test('messages packed into a frame come out as they went in, empty payloads included', async (t) => {
  const msgs = [
    { channel: 0x20, payload: Buffer.from('vote') },
    { channel: 0x30, payload: new Uint8Array() },
    { channel: 0x30, payload: Buffer.from('a tx') },
  ];
  const size = msgs.reduce((a, m) => a + 5 + m.payload.length, 0);
  t.same(unpacked(packMessages(msgs, 0, 3, size)), [[0x20, 'vote'], [0x30, ''], [0x30, 'a tx']]);
  t.same(unpacked(packMessages(msgs, 1, 3, size - 9)), [[0x30, ''], [0x30, 'a tx']], 'a range of the queue');
});

t.test('a malformed frame is refused whole', async (t) => {
  t.throws(() => unpacked(Buffer.alloc(0)), P2PErrors.badFrame(), 'empty');
  t.throws(() => unpacked(Buffer.from([0x20, 0, 0])), P2PErrors.badFrame(), 'a header cut short');
  const overlong = Buffer.from([0x20, 0, 0, 0, 9, 1, 2, 3]);
  t.throws(() => unpacked(overlong), P2PErrors.badFrame(), 'a length beyond the frame');
  const good = packMessages([{ channel: 1, payload: Buffer.from('x') }], 0, 1, 6);
  t.throws(() => unpacked(Buffer.concat([good, Buffer.from([2, 0])])), P2PErrors.badFrame(), 'a good message then garbage');
});

async function connectedPair(t: { teardown(fn: () => unknown): void }, maxFrameBytes = 1 << 20): Promise<[SecureConnection, SecureConnection]> {
  const accepted: Promise<SecureConnection>[] = [];
  const server = createServer((s) => accepted.push(handshake(s, false, { identity: newEd25519Key(), network: 'n', maxFrameBytes })));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const sock: Socket = connect({ host: '127.0.0.1', port: (server.address() as { port: number }).port });
  await new Promise((r) => sock.once('connect', r));
  const a = await handshake(sock, true, { identity: newEd25519Key(), network: 'n', maxFrameBytes });
  await until(() => accepted.length === 1);
  const b = await accepted[0]!;
  t.teardown(() => {
    a.close();
    b.close();
    server.close();
  });
  return [a, b];
}

/** Counts the frames a connection writes. */
function countWrites(conn: SecureConnection): () => number {
  let writes = 0;
  const write = conn.socket.write.bind(conn.socket);
  conn.socket.write = ((chunk: Uint8Array, ...rest: never[]) => (writes++, write(chunk, ...rest))) as typeof conn.socket.write;
  return () => writes;
}

t.test('queued messages share one frame and one write; a message sent now takes the queue with it, in order', async (t) => {
  const [a, b] = await connectedPair(t);
  const got: string[] = [];
  b.on('message', (ch: number, p: Uint8Array) => got.push(`${ch}:${Buffer.from(p).toString()}`));
  const writes = countWrites(a);
  for (let i = 0; i < 200; i++) a.queue(0x30, Buffer.from(`tx${i}`));
  t.equal(writes(), 0, 'nothing written while the turn lasts');
  t.ok(a.queuedBytes > 0, 'queued bytes count as backpressure');
  t.ok(await until(() => got.length === 200));
  t.equal(writes(), 1, '200 messages, one frame');
  t.same(got.slice(0, 3), ['48:tx0', '48:tx1', '48:tx2']);

  got.length = 0;
  a.queue(0x30, Buffer.from('late tx'));
  a.send(0x20, Buffer.from('vote'));
  t.equal(writes(), 2, 'sent at once, with the queued tx in its frame');
  t.ok(await until(() => got.length === 2));
  t.same(got, ['48:late tx', '32:vote'], 'the queue keeps its order ahead of the urgent message');
});

t.test('a queue larger than the pack size is split into several frames, each within the limit', async (t) => {
  const limit = 10_000;
  const [a, b] = await connectedPair(t, limit);
  const got: number[] = [];
  b.on('message', (_ch: number, p: Uint8Array) => got.push(p.length));
  let closed = false;
  b.on('close', () => (closed = true));
  const writes = countWrites(a);
  for (let i = 0; i < 30; i++) a.queue(0x30, new Uint8Array(1000));
  t.ok(await until(() => got.length === 30));
  t.ok(writes() >= 3, `${writes()} frames for 30 KB under a 10 KB limit`);
  t.notOk(closed, 'the receiver accepted every frame');
});
