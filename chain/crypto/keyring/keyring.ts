import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic } from '../../store/atomicFile.js';
import type { OfflineDirectSigner } from '@cosmjs/proto-signing';
import { ACCOUNT_PREFIX, addressFromEd25519, addressFromSecp256k1, toBech32Address } from '../addresses.js';
import { ed25519PublicKey } from '../ed25519.js';
import { CryptoErrors } from '../errors.js';
import { deriveKey, generateMnemonic } from '../hd.js';
import { KEY_ALGOS, type KeyAlgo } from '../pubkeys.js';
import { secp256k1PublicKey } from '../secp256k1.js';
import { directSignerFromKey } from '../signers.js';
import { seal, unseal, type SealedSecret } from './sealed.js';

/**
 * A local key store, one JSON file per key under HOME/keyring-<backend>/:
 *  - "file": the private key is encrypted with the keyring passphrase (scrypt + AES-256-GCM); names, addresses
 *    and public keys stay readable so `list`/`show` need no passphrase. A check record fixes the passphrase
 *    the first time a key is added, so a wrong one is refused at `open` rather than at first use;
 *  - "test": private keys in plain JSON, for development and tests only.
 * Mnemonics are returned once when generated and never stored.
 */

export type KeyringBackend = 'file' | 'test';

export interface KeyringOptions {
  /** The node or client home directory. */
  readonly home: string;
  readonly backend: KeyringBackend;
  /** Required by the file backend to add keys, sign or export. */
  readonly passphrase?: string;
}

export interface KeyInfo {
  readonly name: string;
  readonly algo: KeyAlgo;
  /** bech32 account address ("vivian…"). */
  readonly address: string;
  readonly pubkey: Uint8Array;
}

export interface AddKeyOptions {
  readonly algo: KeyAlgo;
  /** Recover from this mnemonic; when absent a 24-word mnemonic is generated and returned. */
  readonly mnemonic?: string;
  /** HD account index (default 0). */
  readonly index?: number;
  /** Optional BIP-39 passphrase (the "25th word"); unrelated to the keyring passphrase. */
  readonly bip39Passphrase?: string;
}

export interface AddedKey extends KeyInfo {
  /** Only when the keyring generated the mnemonic: show it to the user once. */
  readonly mnemonic?: string;
}

interface KeyFile {
  readonly version: 1;
  readonly name: string;
  readonly algo: KeyAlgo;
  readonly address: string;
  /** base64 */
  readonly pubkey: string;
  /** hex; test backend only */
  readonly privateKey?: string;
  /** file backend only */
  readonly sealed?: SealedSecret;
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const KEY_SUFFIX = '.json';
/** Starts with a dot, which no key name can. */
const PASSPHRASE_CHECK_FILE = '.passphrase-check.json';
const PASSPHRASE_CHECK_AAD = new TextEncoder().encode('vivian keyring passphrase check');
const MIN_PASSPHRASE_LENGTH = 8;

export class Keyring {
  private constructor(
    readonly dir: string,
    readonly backend: KeyringBackend,
    private readonly passphrase: string | undefined,
  ) {}

  /** Set once the passphrase has matched (or created) the check record, so scrypt runs once per session. */
  private passphraseChecked = false;

  /** Opens (creating if needed) HOME/keyring-<backend>/. A wrong file-backend passphrase throws WrongPassphrase. */
  static async open(options: KeyringOptions): Promise<Keyring> {
    const { home, backend, passphrase } = options;
    if (backend !== 'file' && backend !== 'test') {
      throw CryptoErrors.UnsupportedKeyringBackend(`${JSON.stringify(backend)} (expected "file" or "test")`);
    }
    const dir = join(home, `keyring-${backend}`);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const keyring = new Keyring(dir, backend, passphrase);
    if (backend === 'file' && passphrase !== undefined) await keyring.checkPassphrase(passphrase);
    return keyring;
  }

  /** Adds a key derived from `mnemonic` (or from a new one, returned once). Refuses an existing name or address. */
  async add(name: string, options: AddKeyOptions): Promise<AddedKey> {
    const { algo, index = 0, bip39Passphrase = '' } = options;
    checkAlgo(algo);
    const generated = options.mnemonic === undefined ? generateMnemonic(24) : undefined;
    const derived = deriveKey(algo, options.mnemonic ?? generated!, index, bip39Passphrase);
    const info = await this.store(name, algo, derived.privateKey);
    return generated === undefined ? info : { ...info, mnemonic: generated };
  }

  /** Adds an existing raw private key (e.g. a validator key made elsewhere). */
  async importPrivateKey(name: string, algo: KeyAlgo, privateKey: Uint8Array): Promise<KeyInfo> {
    checkAlgo(algo);
    return this.store(name, algo, new Uint8Array(privateKey));
  }

  /** All keys, sorted by name. */
  async list(): Promise<KeyInfo[]> {
    const files = (await readdir(this.dir)).filter((f) => f.endsWith(KEY_SUFFIX) && !f.startsWith('.')).sort();
    const infos: KeyInfo[] = [];
    for (const file of files) infos.push(toInfo(await this.readKeyFile(file.slice(0, -KEY_SUFFIX.length))));
    return infos;
  }

  async show(name: string): Promise<KeyInfo> {
    return toInfo(await this.readKeyFile(checkName(name)));
  }

  async has(name: string): Promise<boolean> {
    return (await this.findName(checkName(name))) !== undefined;
  }

  async delete(name: string): Promise<void> {
    const file = await this.readKeyFile(checkName(name));
    await rm(this.pathOf(file.name));
  }

  /** The raw private key, for tools (genesis, validator setup). Needs the passphrase on the file backend. */
  async exportPrivateKey(name: string): Promise<{ algo: KeyAlgo; privateKey: Uint8Array }> {
    const file = await this.readKeyFile(checkName(name));
    return { algo: file.algo, privateKey: this.privateKeyOf(file) };
  }

  /** A SIGN_MODE_DIRECT signer for the key, usable by SigningStargateClient. */
  async signer(name: string, prefix: string = ACCOUNT_PREFIX): Promise<OfflineDirectSigner> {
    const { algo, privateKey } = await this.exportPrivateKey(name);
    return directSignerFromKey(algo, privateKey, prefix);
  }

  private async store(name: string, algo: KeyAlgo, privateKey: Uint8Array): Promise<KeyInfo> {
    checkName(name);
    const existing = await this.findName(name);
    if (existing !== undefined) {
      throw CryptoErrors.KeyExists(
        existing === name
          ? `a key named ${JSON.stringify(name)}`
          : `${JSON.stringify(name)} clashes with existing key ${JSON.stringify(existing)} ` +
              '(names are case-insensitive on some file systems)',
      );
    }
    const pubkey = algo === 'secp256k1' ? secp256k1PublicKey(privateKey) : ed25519PublicKey(privateKey);
    const address = toBech32Address(algo === 'secp256k1' ? addressFromSecp256k1(pubkey) : addressFromEd25519(pubkey));
    const clash = (await this.list()).find((k) => k.address === address);
    if (clash) throw CryptoErrors.KeyExists(`address ${address} is already stored as ${JSON.stringify(clash.name)}`);

    const publicPart = { version: 1 as const, name, algo, address, pubkey: Buffer.from(pubkey).toString('base64') };
    let file: KeyFile;
    if (this.backend === 'test') {
      file = { ...publicPart, privateKey: Buffer.from(privateKey).toString('hex') };
    } else {
      const passphrase = this.requirePassphrase(`add key ${JSON.stringify(name)}`);
      await this.checkPassphrase(passphrase);
      file = { ...publicPart, sealed: seal(privateKey, passphrase, associatedData(publicPart)) };
    }
    await writeAtomically(this.pathOf(name), JSON.stringify(file, null, 2));
    return toInfo(file);
  }

  private privateKeyOf(file: KeyFile): Uint8Array {
    let privateKey: Uint8Array;
    if (this.backend === 'test') {
      if (typeof file.privateKey !== 'string') throw unreadable(file.name, 'no private key');
      privateKey = new Uint8Array(Buffer.from(file.privateKey, 'hex'));
    } else {
      if (!file.sealed) throw unreadable(file.name, 'no encrypted private key');
      const passphrase = this.requirePassphrase(`use key ${JSON.stringify(file.name)}`);
      privateKey = unseal(file.sealed, passphrase, associatedData(file), `key ${JSON.stringify(file.name)}`);
    }
    // The stored public part must belong to the private key (a hand-edited file must not sign for another).
    let pubkey: Uint8Array;
    try {
      pubkey = file.algo === 'secp256k1' ? secp256k1PublicKey(privateKey) : ed25519PublicKey(privateKey);
    } catch {
      throw unreadable(file.name, 'stored private key is invalid');
    }
    if (Buffer.from(pubkey).toString('base64') !== file.pubkey) {
      throw unreadable(file.name, 'private and public key differ');
    }
    return privateKey;
  }

  private requirePassphrase(action: string): string {
    if (this.passphrase === undefined) {
      throw CryptoErrors.PassphraseRequired(`the file keyring needs its passphrase to ${action}`);
    }
    return this.passphrase;
  }

  /** Verifies the passphrase against the check record, creating the record the first time. */
  private async checkPassphrase(passphrase: string): Promise<void> {
    if (this.passphraseChecked) return;
    const path = join(this.dir, PASSPHRASE_CHECK_FILE);
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text !== undefined) {
      let sealed: SealedSecret;
      try {
        sealed = JSON.parse(text) as SealedSecret;
      } catch {
        throw CryptoErrors.KeyringUnreadable(`${PASSPHRASE_CHECK_FILE} is not JSON`);
      }
      unseal(sealed, passphrase, PASSPHRASE_CHECK_AAD, 'the keyring');
    } else {
      if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
        throw CryptoErrors.WeakPassphrase(`a new file keyring needs at least ${MIN_PASSPHRASE_LENGTH} characters`);
      }
      await writeAtomically(path, JSON.stringify(seal(randomBytes(32), passphrase, PASSPHRASE_CHECK_AAD), null, 2));
    }
    this.passphraseChecked = true;
  }

  /** The stored name equal to `name` ignoring case, if any. */
  private async findName(name: string): Promise<string | undefined> {
    const lower = name.toLowerCase();
    return (await readdir(this.dir))
      .filter((f) => f.endsWith(KEY_SUFFIX) && !f.startsWith('.'))
      .map((f) => f.slice(0, -KEY_SUFFIX.length))
      .find((n) => n.toLowerCase() === lower);
  }

  private async readKeyFile(name: string): Promise<KeyFile> {
    let text: string;
    try {
      text = await readFile(this.pathOf(name), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw CryptoErrors.KeyNotFound(`no key named ${JSON.stringify(name)} in the ${this.backend} keyring`);
      }
      throw err;
    }
    let file: KeyFile;
    try {
      file = JSON.parse(text) as KeyFile;
    } catch {
      throw unreadable(name, 'not JSON');
    }
    if (file.version !== 1 || file.name !== name || !KEY_ALGOS.includes(file.algo) || typeof file.pubkey !== 'string') {
      throw unreadable(name, 'unexpected contents');
    }
    return file;
  }

  private pathOf(name: string): string {
    return join(this.dir, `${name}${KEY_SUFFIX}`);
  }
}

function checkName(name: string): string {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw CryptoErrors.InvalidKeyName(
      `${JSON.stringify(name)}: use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
  return name;
}

function checkAlgo(algo: KeyAlgo): void {
  if (!KEY_ALGOS.includes(algo)) {
    throw CryptoErrors.UnsupportedAlgo(`${JSON.stringify(algo)} (expected one of ${KEY_ALGOS.join(', ')})`);
  }
}

function toInfo(file: KeyFile): KeyInfo {
  const pubkey = new Uint8Array(Buffer.from(file.pubkey, 'base64'));
  return { name: file.name, algo: file.algo, address: file.address, pubkey };
}

/** The public fields an encrypted key is bound to. */
function associatedData(file: Pick<KeyFile, 'version' | 'name' | 'algo' | 'address' | 'pubkey'>): Uint8Array {
  return new TextEncoder().encode(JSON.stringify([file.version, file.name, file.algo, file.address, file.pubkey]));
}

function unreadable(name: string, why: string) {
  return CryptoErrors.KeyringUnreadable(`key ${JSON.stringify(name)}: ${why}`);
}

/** Write-then-rename (fsynced), so a crash never leaves half a key file; owner-only permissions. */
async function writeAtomically(path: string, contents: string): Promise<void> {
  writeFileAtomic(path, Buffer.from(contents, 'utf8'), { mode: 0o600 });
}
