// npm links the bins of dependencies into node_modules/.bin but not the project's own, so
// `npx vivian` after `npm ci` would miss it. Link it here (run by the prepare script).
import { mkdirSync, rmSync, symlinkSync, chmodSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(root, 'node_modules', '.bin');
const target = join(root, 'bin', 'vivian.js');
mkdirSync(binDir, { recursive: true });
const link = join(binDir, 'vivian');
rmSync(link, { force: true });
symlinkSync(relative(binDir, target), link);
chmodSync(target, 0o755);
