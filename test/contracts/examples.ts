import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import asc from 'assemblyscript/asc';
import { ASC_FLAGS } from '../../scripts/buildContracts.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/**
 * An example contract that ships next to a standard one (contracts/<dir>/examples/<name>.ts), compiled with the
 * standard flags into contracts/build/<dir>-<name>.wasm; rebuilt when its source or the SDK changed.
 */
export async function exampleWasm(dir: string, name: string): Promise<Uint8Array> {
  const entry = join(ROOT, 'contracts', dir, 'examples', `${name}.ts`);
  const out = join(ROOT, 'contracts', 'build', `${dir}-${name}.wasm`);
  const sdk = join(ROOT, 'contracts', 'sdk');
  const newestSdk = Math.max(...readdirSync(sdk).map((f) => statSync(join(sdk, f)).mtimeMs));
  const built = existsSync(out) ? statSync(out).mtimeMs : 0;
  if (built < Math.max(statSync(entry).mtimeMs, newestSdk)) {
    mkdirSync(join(ROOT, 'contracts', 'build'), { recursive: true });
    let log = '';
    const sink = { write: (s: string) => ((log += s), true) };
    const { error } = await asc.main([relative(ROOT, entry), '-o', relative(ROOT, out), ...ASC_FLAGS], {
      stdout: sink as never,
      stderr: sink as never,
      readFile: (file: string, baseDir: string) => {
        const p = resolve(ROOT, baseDir, file);
        return existsSync(p) ? readFileSync(p, 'utf8') : null;
      },
    } as never);
    if (error) throw new Error(`example ${dir}/${name} failed to build:\n${log || error.message}`);
  }
  return new Uint8Array(readFileSync(out));
}
