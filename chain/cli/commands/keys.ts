import type { Command } from 'commander';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Keyring, type KeyringBackend } from '../../crypto/keyring/index.js';
import type { KeyAlgo } from '../../crypto/pubkeys.js';
import { CliError, parseOutput, print, readLine } from '../io.js';

export const DEFAULT_CLIENT_HOME = join(homedir(), '.vivian');

export interface KeyringFlags {
  home?: string;
  keyringBackend?: string;
}

/** The file backend's passphrase: VIVIAN_KEYRING_PASSPHRASE, or asked for (a line of stdin when piped). */
async function passphrase(backend: KeyringBackend): Promise<string | undefined> {
  if (backend !== 'file') return undefined;
  const env = process.env.VIVIAN_KEYRING_PASSPHRASE;
  if (env !== undefined) return env;
  const p = await readLine('Enter keyring passphrase: ');
  if (p.length < 8) throw new CliError('the keyring passphrase must be at least 8 characters');
  return p;
}

export async function openKeyring(o: KeyringFlags, needSecret: boolean): Promise<Keyring> {
  const backend = (o.keyringBackend ?? 'file') as KeyringBackend;
  if (backend !== 'file' && backend !== 'test') throw new CliError(`--keyring-backend must be file or test, got ${JSON.stringify(backend)}`);
  return Keyring.open({ home: o.home ?? DEFAULT_CLIENT_HOME, backend, passphrase: needSecret ? await passphrase(backend) : undefined });
}

function keyringFlags(cmd: Command): Command {
  return cmd
    .option('--home <dir>', 'client home holding the keyring', DEFAULT_CLIENT_HOME)
    .option('--keyring-backend <backend>', 'file (encrypted, default) or test (plain, dev only)', 'file')
    .option('--output <format>', 'json or text', 'text');
}

const view = (k: { name: string; algo: string; address: string; pubkey: Uint8Array }) => ({
  name: k.name,
  type: 'local',
  algo: k.algo,
  address: k.address,
  pubkey: Buffer.from(k.pubkey).toString('base64'),
});

export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('manage the local keyring');

  keyringFlags(
    keys
      .command('add <name>')
      .description('create a key (prints its mnemonic once) or recover one from a mnemonic read from stdin')
      .option('--algo <algo>', "secp256k1 (m/44'/118'/0'/0/0) or ed25519 (SLIP-10 m/44'/118'/0'/0'/0')", 'secp256k1')
      .option('--recover', 'read the mnemonic from stdin instead of generating one')
      .option('--index <n>', 'HD account index', '0'),
  ).action(async (name: string, o) => {
    if (o.algo !== 'secp256k1' && o.algo !== 'ed25519') throw new CliError(`--algo must be secp256k1 or ed25519, got ${JSON.stringify(o.algo)}`);
    const mnemonic = o.recover ? (await readLine('Enter your bip39 mnemonic: ')).trim() : undefined;
    const kr = await openKeyring(o, true);
    const added = await kr.add(name, { algo: o.algo as KeyAlgo, mnemonic, index: Number(o.index) });
    const out = { ...view(added), ...(added.mnemonic ? { mnemonic: added.mnemonic } : {}) };
    print(out, parseOutput(o.output));
    if (added.mnemonic && parseOutput(o.output) === 'text') {
      process.stderr.write('\n**Write this mnemonic down and keep it safe: it is the only way to recover the key.**\n');
    }
  });

  keyringFlags(keys.command('list').description('list the keys')).action(async (o) => {
    const kr = await openKeyring(o, false);
    print((await kr.list()).map(view), parseOutput(o.output));
  });

  keyringFlags(keys.command('show <name>').description('show a key').option('--address', 'print only the address')).action(async (name: string, o) => {
    const kr = await openKeyring(o, false);
    const k = await kr.show(name);
    if (o.address) process.stdout.write(k.address + '\n');
    else print(view(k), parseOutput(o.output));
  });

  keyringFlags(keys.command('delete <name>').description('delete a key').option('--yes', 'do not ask for confirmation')).action(async (name: string, o) => {
    const kr = await openKeyring(o, false);
    await kr.show(name);
    if (!o.yes) {
      const answer = await readLine(`Delete key ${name}? This cannot be undone [y/N]: `);
      if (!/^y(es)?$/i.test(answer.trim())) throw new CliError('aborted');
    }
    await kr.delete(name);
    process.stdout.write(`key ${name} deleted\n`);
  });
}
