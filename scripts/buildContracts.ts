/**
 * Builds every contract in contracts/<name>/ (entry file contract.ts) into contracts/build/<name>.wasm with
 * AssemblyScript. Reproducible: the same sources and compiler give the same bytes (the checksum is printed).
 *   npx tsx scripts/buildContracts.ts [name...]
 * The flags are the SDK's requirements, kept here once: no bulk memory (the VM refuses it), the stub runtime
 * (every call runs in a fresh instance, so nothing needs freeing), AS's abort routed to the ABI's.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CONTRACTS = join(ROOT, 'contracts');
const NOT_CONTRACTS = new Set(['sdk', 'build', 'node_modules']);

export const ASC_FLAGS = [
  '--runtime', 'stub',
  '--disable', 'bulk-memory',
  '--use', 'abort=contracts/sdk/abort/contractAbort',
  '--optimizeLevel', '3',
  '--shrinkLevel', '1',
];

export function contractNames(): string[] {
  return readdirSync(CONTRACTS, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !NOT_CONTRACTS.has(d.name) && existsSync(join(CONTRACTS, d.name, 'contract.ts')))
    .map((d) => d.name)
    .sort();
}

/** Compiles one contract; resolves to the output path, or rejects with the compiler's diagnostics. */
export async function buildContract(name: string, outDir = join(CONTRACTS, 'build')): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const entry = relative(ROOT, join(CONTRACTS, name, 'contract.ts'));
  const out = join(outDir, `${name}.wasm`);
  let log = '';
  const { error } = await asc.main([entry, '-o', relative(ROOT, out), ...ASC_FLAGS], {
    stdout: { write: (s: string) => ((log += s), true) } as never,
    stderr: { write: (s: string) => ((log += s), true) } as never,
    readFile: (file: string, baseDir: string) => {
      const p = resolve(ROOT, baseDir, file);
      return existsSync(p) ? readFileSync(p, 'utf8') : null;
    },
  } as never);
  if (error) throw new Error(`contract ${name} failed to build:\n${log || error.message}`);
  return out;
}

async function main(): Promise<void> {
  process.chdir(ROOT);
  const wanted = process.argv.slice(2);
  const names = wanted.length ? wanted : contractNames();
  for (const name of names) {
    const out = await buildContract(name);
    const bytes = readFileSync(out);
    const checksum = createHash('sha256').update(bytes).digest('hex');
    console.log(`${name}: ${relative(ROOT, out)} ${bytes.length} bytes sha256 ${checksum}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error((err as Error).message);
    process.exit(1);
  });
}
