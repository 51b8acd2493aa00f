// The address book kept in the node home (config/addrbook.json): written atomically, bounded, read back
// at start, so a restarted node redials the peers it had found without asking its seeds again.
import t from 'tap';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newEd25519Key } from '../../../chain/node/home.js';
import { AddressBook, loadAddressBook, saveAddressBook, type AddrBookFile } from '../../../chain/p2p/addressBook.js';
import { pexChannelSpec, PexReactor } from '../../../chain/p2p/pex.js';
import { P2PSwitch, type PeerAddress } from '../../../chain/p2p/switch.js';
import type { Ed25519Key } from '../../../chain/node/home.js';
import { until } from '../../helpers/wait.js';

const idOf = (n: number) => n.toString(16).padStart(40, '0');
const addr = (n: number, host = '127.0.0.1'): PeerAddress => ({ id: idOf(n), host, port: 26000 + n });
const SELF = idOf(0);

function tempDir(t: { teardown(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'vivian-book-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('saved and read back: proven and hearsay entries, failures, IPv6; config seeds keep precedence', async (t) => {
  const path = join(tempDir(t), 'config', 'addrbook.json');
  const book = new AddressBook(SELF);
  book.add(addr(3), { proven: true });
  book.add(addr(1));
  book.add(addr(2, '::1'), { proven: true });
  book.add(addr(4), { seed: true });
  book.markFailed(idOf(1), 0);
  book.markFailed(idOf(1), 0);
  saveAddressBook(path, book);
  t.notOk(existsSync(`${path}.tmp`), 'no temp file left behind');
  const file = JSON.parse(readFileSync(path, 'utf8')) as AddrBookFile;
  t.same(file.addrs.map((a) => a.addr.id), [1, 2, 3, 4].map(idOf), 'ordered by node id');
  t.same(file.addrs[0], { addr: { id: idOf(1), ip: '127.0.0.1', port: 26001 }, attempts: 2, bucket_type: 1 }, "CometBFT's entry shape; hearsay is bucket 1 (new)");
  t.equal(file.addrs[1]!.bucket_type, 2, 'proven is bucket 2 (old)');

  const again = new AddressBook(SELF);
  again.add({ ...addr(3), port: 1 }, { seed: true }); // now a seed in the config, at another port
  t.same(loadAddressBook(path, again), { restored: 3, skipped: 1 }, 'the known id is left alone');
  t.same(again.get(idOf(3))!.addr.port, 1, 'the config wins over the file');
  t.ok(again.get(idOf(3))!.seed);
  t.same(again.get(idOf(2))!.addr, addr(2, '::1'));
  t.ok(again.get(idOf(2))!.proven);
  t.notOk(again.get(idOf(1))!.proven);
  t.equal(again.get(idOf(1))!.failures, 2, 'failures carry over');
  t.ok(again.dialable(0, () => false).some((a) => a.id === idOf(1)), 'but the backoff does not: dialled at once');
  t.same(loadAddressBook(join(tempDir(t), 'none.json'), new AddressBook(SELF)), { restored: 0, skipped: 0 }, 'no file: nothing to read');
});

t.test('bounded: a file larger than the book keeps proven addresses first; bad entries are skipped', async (t) => {
  const addrs: AddrBookFile['addrs'] = [];
  for (let n = 1; n <= 30; n++) addrs.push({ addr: { id: idOf(n), ip: '10.0.0.1', port: 26656 }, attempts: 0, bucket_type: n % 3 === 0 ? 2 : 1 });
  const junk = [
    { addr: { id: 'xyz', ip: '10.0.0.1', port: 1 }, attempts: 0, bucket_type: 1 },
    { addr: { id: idOf(99), ip: '10.0.0.1', port: 70000 }, attempts: 0, bucket_type: 1 },
    { addr: null, attempts: 0, bucket_type: 2 },
    'nonsense',
  ];
  const book = new AddressBook(SELF, { capacity: 12 });
  const { restored, skipped } = book.restore({ addrs: [...addrs, ...junk] });
  t.equal(book.size, 12, 'never above capacity');
  t.equal(restored, 12);
  t.equal(skipped, 30 - 12 + junk.length);
  for (let n = 3; n <= 30; n += 3) t.ok(book.get(idOf(n))?.proven, `proven ${n} kept`);
  t.throws(() => book.restore({ peers: [] }), TypeError, 'not a book at all');
});

function node(t: { teardown(fn: () => unknown): void }, identity: Ed25519Key, o: { seeds?: string[]; bookFile?: string }) {
  const sw = new P2PSwitch({ identity, network: 'book-net', listenHost: '127.0.0.1', listenPort: 0, persistentPeers: [], channels: [pexChannelSpec] });
  const pex = new PexReactor(sw, {
    seeds: o.seeds ?? [],
    selfAddress: () => ({ id: sw.nodeId, host: '127.0.0.1', port: sw.port }),
    ensurePeersMs: 50,
    ...(o.bookFile !== undefined ? { bookFile: o.bookFile } : {}),
  });
  t.teardown(async () => {
    pex.stop();
    await sw.stop();
  });
  return { sw, pex };
}

t.test('a restarted node redials the peers its saved book holds, without any seed', async (t) => {
  const bookFile = join(tempDir(t), 'addrbook.json');
  const peer = node(t, newEd25519Key(), {});
  await peer.sw.start();
  peer.pex.start();
  const identity = newEd25519Key();
  const first = node(t, identity, { seeds: [`${peer.sw.nodeId}@127.0.0.1:${peer.sw.port}`], bookFile });
  await first.sw.start();
  first.pex.start();
  t.ok(await until(() => first.pex.book.get(peer.sw.nodeId)?.proven === true, 5000), 'the peer proved its address');
  first.pex.stop();
  await first.sw.stop();
  const saved = JSON.parse(readFileSync(bookFile, 'utf8')) as AddrBookFile;
  t.same(saved.addrs.map((a) => [a.addr.id, a.bucket_type]), [[peer.sw.nodeId, 2]], 'written at stop');

  // restarted with no seeds and no peers in its config: the book is all it has
  const second = node(t, identity, { bookFile });
  await second.sw.start();
  second.pex.start();
  t.ok(await until(() => second.sw.isConnected(peer.sw.nodeId), 5000), 'connected again from the saved book');
});

t.test('a damaged book file does not stop the node: it starts without it', async (t) => {
  const bookFile = join(tempDir(t), 'addrbook.json');
  writeFileSync(bookFile, '{"addrs": [tru');
  const lines: string[] = [];
  const sw = new P2PSwitch({ identity: newEd25519Key(), network: 'book-net', listenHost: '127.0.0.1', listenPort: 0, persistentPeers: [], channels: [pexChannelSpec] });
  const pex = new PexReactor(sw, { seeds: [], selfAddress: () => null, bookFile, log: (l) => lines.push(l) });
  t.teardown(() => sw.stop());
  pex.start();
  pex.stop();
  t.match(lines.join('\n'), /not read .*starting without it/);
  t.equal(readFileSync(bookFile, 'utf8'), '{"addrs": [tru', 'an unchanged (empty) book is not written over it');
  pex.book.add(addr(5));
  pex.saveBook();
  t.same((JSON.parse(readFileSync(bookFile, 'utf8')) as AddrBookFile).addrs.length, 1, 'replaced once the book has something');
});
