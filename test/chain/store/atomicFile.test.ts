import t from 'tap';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../chain/store/atomicFile.js';

t.test('writeFileAtomic replaces a file whole, creates its directory, leaves no temp file, honours the mode', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vivian-atomic-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'sub', 'file.bin');
  writeFileAtomic(path, Buffer.from('first version, longer than the second'));
  writeFileAtomic(path, [Buffer.from('sec'), Buffer.from('ond')], { mode: 0o600 });
  t.equal(readFileSync(path, 'utf8'), 'second', 'the chunks, in order, and nothing of the old file');
  t.same(readdirSync(join(dir, 'sub')), ['file.bin'], 'no temp file left');
  writeFileSync(`${path}.tmp`, 'a temp file a crash left behind', { mode: 0o666 });
  writeFileAtomic(path, Buffer.from('third'), { mode: 0o600 });
  t.same(readdirSync(join(dir, 'sub')), ['file.bin'], 'a stale temp file is overwritten and renamed, not left beside it');
  t.equal(readFileSync(path, 'utf8'), 'third');
  t.equal(statSync(path).mode & 0o777, 0o600, 'the mode asked for, not the stale temp file\'s');
  t.throws(() => writeFileAtomic(join(dir, 'sub', 'file.bin', 'below-a-file'), Buffer.from('x')), 'a path under a file is an error');
  t.equal(readFileSync(path, 'utf8'), 'third', 'a failed write leaves the old file');
});
