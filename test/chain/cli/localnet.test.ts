import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initLocalnet, LOCALNET_SEMI_SPACE_FLAG, localnetNodeCli, localnetVerifyThreads } from '../../../chain/cli/commands/localnet.js';
import { loadConfig } from '../../../chain/node/config.js';

const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

t.test("localnet nodes start with the launcher's node flags and the localnet's young generation", async (t) => {
  const cli = localnetNodeCli(['--max-semi-space-size=256', '--enable-source-maps'], '/opt/vivian/bin/vivian.js');
  t.same(cli.slice(1), ['--enable-source-maps', LOCALNET_SEMI_SPACE_FLAG, '/opt/vivian/bin/vivian.js']);
  t.equal(cli[0], process.execPath);
  t.same(localnetNodeCli([], 'x.js').slice(1), [LOCALNET_SEMI_SPACE_FLAG, 'x.js'], 'added when the launcher set none');
});

t.test("localnet nodes split the machine's cores for signature workers", async (t) => {
  t.equal(localnetVerifyThreads(4, 2), 0, 'four nodes on two cores: checks on each main thread');
  t.equal(localnetVerifyThreads(4, 8), 1);
  t.equal(localnetVerifyThreads(2, 16), 7);
  t.equal(localnetVerifyThreads(1, 2), 1, 'one node: every core but its main thread');
  t.equal(localnetVerifyThreads(8, 2), 0);

  const dir = mkdtempSync(join(tmpdir(), 'vivian-localnet-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = initLocalnet({ validators: 3, home: dir, basePort: 41000, mnemonic: MNEMONIC, accounts: 1, chainId: 'localnet-test', blockTimeMs: 100 });
  for (const n of file.nodes) t.equal(loadConfig(n.home).verify_threads, localnetVerifyThreads(3), `${n.name} config`);
});
