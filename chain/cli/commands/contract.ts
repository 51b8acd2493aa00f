import type { Command } from 'commander';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { ASC_FLAGS, compileContract, contractNameProblem, packageRoot, type BuiltContract } from '../contractBuild.js';
import { CliError, parseOutput, print } from '../io.js';

/** The contract harness module next to this CLI (a .ts source or the compiled .js), as the generated test imports it. */
function harnessModuleUrl(): string {
  return new URL(`../../modules/wasm/harness${extname(new URL(import.meta.url).pathname)}`, import.meta.url).href;
}

/** asconfig.json for a contract: entry, output and the build flags (read back by `contract build`). */
function asconfig(name: string): object {
  const options: Record<string, unknown> = {};
  for (let i = 0; i < ASC_FLAGS.length; i += 2) {
    const key = ASC_FLAGS[i]!.slice(2);
    const value = ASC_FLAGS[i + 1]!;
    if (key === 'disable' || key === 'use') options[key] = [...((options[key] as string[]) ?? []), value];
    else options[key] = /^[0-9]+$/.test(value) ? Number(value) : value;
  }
  return { entries: ['contract.ts'], targets: { release: { outFile: `build/${name}.wasm` } }, options };
}

export interface NewContract {
  name: string;
  dir: string;
  files: string[];
}

/** Writes the template contract NAME into parentDir/NAME (which must not exist or be empty). */
export function createContract(name: string, parentDir = '.'): NewContract {
  const problem = contractNameProblem(name);
  if (problem) throw new CliError(problem);
  const dir = resolve(parentDir, name);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new CliError(`${dir} already exists and is not empty`);
  const templates = join(packageRoot(), 'contracts', 'template');
  const fill = (text: string) => text.replaceAll('{{name}}', name).replaceAll('{{harness}}', harnessModuleUrl());
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const t of readdirSync(templates).filter((f) => f.endsWith('.template')).sort()) {
    const file = t.slice(0, -'.template'.length);
    writeFileSync(join(dir, file), fill(readFileSync(join(templates, t), 'utf8')));
    files.push(file);
  }
  writeFileSync(join(dir, 'asconfig.json'), JSON.stringify(asconfig(name), null, 2) + '\n');
  files.push('asconfig.json');
  return { name, dir, files: files.sort() };
}

/** Compiles the contract in `dir`: entry and output from its asconfig.json when present (the name is the output's). */
export async function buildContractDir(dir = '.'): Promise<BuiltContract> {
  const root = resolve(dir);
  let entry = 'contract.ts';
  let outFile = `build/${basename(root)}.wasm`;
  const configPath = join(root, 'asconfig.json');
  if (existsSync(configPath)) {
    let cfg: { entries?: unknown; targets?: { release?: { outFile?: unknown } } };
    try {
      cfg = JSON.parse(readFileSync(configPath, 'utf8'));
    } catch (e) {
      throw new CliError(`${configPath} is not JSON: ${(e as Error).message}`);
    }
    if (Array.isArray(cfg.entries) && typeof cfg.entries[0] === 'string') entry = cfg.entries[0];
    if (typeof cfg.targets?.release?.outFile === 'string') outFile = cfg.targets.release.outFile;
  }
  if (!existsSync(join(root, entry))) throw new CliError(`no ${entry} in ${root} (make one with: vivian contract new NAME)`);
  const name = basename(outFile, '.wasm');
  const problem = contractNameProblem(name);
  if (problem) throw new CliError(`${problem} (the name comes from the output file ${outFile})`);
  try {
    return await compileContract({ name, sourceDir: root, entry, outFile: resolve(root, outFile) });
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

export function registerContractCommands(program: Command): void {
  const contract = program.command('contract').description('write, build and test AssemblyScript contracts');
  contract
    .command('new <name>')
    .description('create a template contract (a counter) with a unit test, asconfig.json and README in DIR/NAME')
    .option('--dir <dir>', 'parent folder', '.')
    .option('--output <format>', 'json or text', 'text')
    .action((name: string, o: { dir: string; output: string }) => {
      const output = parseOutput(o.output);
      const made = createContract(name, o.dir);
      if (output === 'json') print(made, output);
      else process.stdout.write(`created ${made.dir}: ${made.files.join(', ')}\nnext: cd ${made.dir} && vivian contract build && node --test\n`);
    });
  contract
    .command('build [dir]')
    .description('compile the contract in DIR (default: here) with the SDK build flags; prints the output path, size and checksum')
    .option('--output <format>', 'json or text', 'text')
    .action(async (dir: string | undefined, o: { output: string }) => {
      const output = parseOutput(o.output);
      const b = await buildContractDir(dir ?? '.');
      const view = { name: b.name, path: b.path, size: b.bytes.length, checksum: b.checksum };
      if (output === 'json') print(view, output);
      else process.stdout.write(`built ${b.name}: ${b.path} ${b.bytes.length} bytes sha256 ${b.checksum}\n`);
    });
}
