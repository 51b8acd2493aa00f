/**
 * Compiling AssemblyScript contracts, shared by `vivian contract build` and the standard contracts' build script.
 *
 * The compiler sees one layout whatever the author's folder: the contract's sources at contracts/<name>/ and the
 * SDK at contracts/sdk/ (so a contract imports '../sdk/index' wherever it lives, and the `--use abort=…` alias
 * names the same internal path). For a standard contract that virtual layout is the real one, so its bytes are
 * exactly those of a plain build. Reproducible: the same sources and compiler give the same bytes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The SDK's requirements, kept here once: no bulk memory (the VM refuses it), the stub runtime (every call runs
 * in a fresh instance, so nothing needs freeing), AS's abort routed to the ABI's.
 */
export const ASC_FLAGS = [
  '--runtime', 'stub',
  '--disable', 'bulk-memory',
  '--use', 'abort=contracts/sdk/abort/contractAbort',
  '--optimizeLevel', '3',
  '--shrinkLevel', '1',
];

/** Names a contract folder may not take: they are the SDK's and the build output's. */
const RESERVED = new Set(['sdk', 'build', 'template', 'node_modules']);
const NAME = /^[a-z][a-z0-9_-]{0,63}$/;

/** Why `name` cannot name a contract, or null when it can. */
export function contractNameProblem(name: string): string | null {
  if (!NAME.test(name)) return `contract name ${JSON.stringify(name)} must start with a lower-case letter and hold only a-z, 0-9, _ and - (at most 64)`;
  if (RESERVED.has(name)) return `contract name ${JSON.stringify(name)} is reserved`;
  return null;
}

let root: string | null = null;

/** The package root: the folder holding contracts/sdk, found upwards from this file (source tree or dist/). */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'contracts', 'sdk', 'index.ts'))) return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('the contract SDK (contracts/sdk) is not next to this installation of vivian');
    dir = up;
  }
}

export interface BuiltContract {
  name: string;
  /** where the module was written */
  path: string;
  bytes: Uint8Array;
  /** SHA-256 of the bytes, hex: the code checksum the chain reports after upload */
  checksum: string;
}

export interface CompileOptions {
  /** the contract's name (its folder in the compiler's layout, and its sources' paths in abort messages) */
  name: string;
  /** the folder holding the contract's sources */
  sourceDir: string;
  /** the entry file inside sourceDir (default contract.ts) */
  entry?: string;
  /** where to write the module */
  outFile: string;
}

type Asc = { main(argv: string[], options: object): Promise<{ error: Error | null }> };

async function loadCompiler(): Promise<Asc> {
  try {
    return (await import('assemblyscript/asc')).default as unknown as Asc;
  } catch {
    throw new Error('the AssemblyScript compiler is not installed (it is a development dependency of vivian: install with dev dependencies)');
  }
}

/** Compiles one contract; rejects with the compiler's diagnostics when it does not build. */
export async function compileContract(o: CompileOptions): Promise<BuiltContract> {
  const problem = contractNameProblem(o.name);
  if (problem) throw new Error(problem);
  const base = packageRoot();
  const sourceDir = resolve(o.sourceDir);
  const entry = o.entry ?? 'contract.ts';
  if (!existsSync(join(sourceDir, entry))) throw new Error(`no ${entry} in ${sourceDir}`);
  const virtualDir = `contracts/${o.name}/`;
  // compiler path (relative to the package root) -> file on disk
  const onDisk = (file: string, baseDir: string): string => {
    const rel = resolve(base, baseDir, file).slice(base.length + 1).split(sep).join('/');
    return rel.startsWith(virtualDir) ? join(sourceDir, rel.slice(virtualDir.length)) : join(base, rel);
  };
  const asc = await loadCompiler();
  let log = '';
  let bytes: Uint8Array | null = null;
  const { error } = await asc.main([virtualDir + entry, '-o', `${virtualDir}out.wasm`, ...ASC_FLAGS], {
    stdout: { write: (s: string) => ((log += s), true) },
    stderr: { write: (s: string) => ((log += s), true) },
    readFile: (file: string, baseDir: string) => {
      const p = onDisk(file, baseDir);
      return existsSync(p) ? readFileSync(p, 'utf8') : null;
    },
    writeFile: (file: string, contents: Uint8Array | string) => {
      if (file.endsWith('.wasm') && typeof contents !== 'string') bytes = contents;
    },
  });
  if (error || !bytes) throw new Error(`contract ${o.name} failed to build:\n${log || error?.message || 'the compiler wrote no module'}`);
  const out: Uint8Array = bytes;
  mkdirSync(dirname(resolve(o.outFile)), { recursive: true });
  writeFileSync(o.outFile, out);
  return { name: o.name, path: resolve(o.outFile), bytes: out, checksum: createHash('sha256').update(out).digest('hex') };
}
