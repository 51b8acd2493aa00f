/**
 * Builds every contract in contracts/<name>/ (entry file contract.ts) into contracts/build/<name>.wasm with
 * AssemblyScript. Reproducible: the same sources and compiler give the same bytes (the checksum is printed).
 *   npx tsx scripts/buildContracts.ts [name...]
 * The compiler flags and layout live in chain/cli/contractBuild.ts, shared with `vivian contract build`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileContract } from '../chain/cli/contractBuild.js';

export { ASC_FLAGS } from '../chain/cli/contractBuild.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CONTRACTS = join(ROOT, 'contracts');
const NOT_CONTRACTS = new Set(['sdk', 'build', 'template', 'node_modules']);

export function contractNames(): string[] {
  return readdirSync(CONTRACTS, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !NOT_CONTRACTS.has(d.name) && existsSync(join(CONTRACTS, d.name, 'contract.ts')))
    .map((d) => d.name)
    .sort();
}

/** Compiles one contract; resolves to the output path, or rejects with the compiler's diagnostics. */
export async function buildContract(name: string, outDir = join(CONTRACTS, 'build')): Promise<string> {
  const built = await compileContract({ name, sourceDir: join(CONTRACTS, name), outFile: join(outDir, `${name}.wasm`) });
  return built.path;
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length ? wanted : contractNames();
  for (const name of names) {
    const b = await compileContract({ name, sourceDir: join(CONTRACTS, name), outFile: join(CONTRACTS, 'build', `${name}.wasm`) });
    console.log(`${name}: ${relative(ROOT, b.path)} ${b.bytes.length} bytes sha256 ${b.checksum}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error((err as Error).message);
    process.exit(1);
  });
}
