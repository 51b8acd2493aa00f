// `npm run bench -- <name> [flags]`: runs scripts/bench/<name>.ts in its own process.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'run.ts').map((f) => f.slice(0, -3)).sort();
const [name, ...args] = process.argv.slice(2);
if (!name || !existsSync(join(dir, `${name}.ts`))) {
  console.error(`usage: npm run bench -- <${available.join('|')}> [--quick] [--json]`);
  process.exit(name ? 1 : 0);
}
// the node flags this runner got (e.g. the young-generation size from package.json) apply to the benchmark too
const flags = process.execArgv.filter((a) => !a.startsWith('--import'));
const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', join(dir, `${name}.ts`), ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
