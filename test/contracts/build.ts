import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildContract } from '../../scripts/buildContracts.js';

const CONTRACTS = new URL('../../contracts/', import.meta.url).pathname;

function newestSource(dir: string): number {
  let newest = 0;
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, f.name);
    newest = Math.max(newest, f.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** contracts/build/<name>.wasm, rebuilt first when the contract or the SDK changed since it was built. */
export async function contractWasm(name: string): Promise<Uint8Array> {
  const out = join(CONTRACTS, 'build', `${name}.wasm`);
  let built = 0;
  try {
    built = statSync(out).mtimeMs;
  } catch {
    // not built yet
  }
  if (built < Math.max(newestSource(join(CONTRACTS, 'sdk')), newestSource(join(CONTRACTS, name)))) await buildContract(name);
  return new Uint8Array(readFileSync(out));
}
