import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ed25519PublicKey } from '../crypto/ed25519.js';
import { sha256 } from '../crypto/hash.js';
import { DEFAULT_CONSENSUS_PARAMS, validateGenesis, type GenesisDoc } from '../app/genesis.js';
import { defaultAuthGenesis } from '../modules/auth/genesis.js';
import { defaultBankGenesis, type BankGenesis } from '../modules/bank/genesis.js';
import { DEFAULT_CONFIG, homePaths, type NodeConfig } from './config.js';

/** A CometBFT-format ed25519 key file (priv_validator_key.json / node_key.json). */
export interface Ed25519KeyFile {
  address: string;
  pub_key: { type: 'tendermint/PubKeyEd25519'; value: string };
  priv_key: { type: 'tendermint/PrivKeyEd25519'; value: string };
}

export interface Ed25519Key {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
  /** first 20 bytes of SHA-256(pubkey), as CometBFT derives validator addresses */
  address: Uint8Array;
}

export function newEd25519Key(seed: Uint8Array = randomBytes(32)): Ed25519Key {
  const publicKey = ed25519PublicKey(seed);
  return { privateKey: seed, publicKey, address: sha256(publicKey).subarray(0, 20) };
}

export function keyToFile(k: Ed25519Key): Ed25519KeyFile {
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
  return {
    address: Buffer.from(k.address).toString('hex').toUpperCase(),
    pub_key: { type: 'tendermint/PubKeyEd25519', value: b64(k.publicKey) },
    // CometBFT stores seed ++ pubkey (64 bytes)
    priv_key: { type: 'tendermint/PrivKeyEd25519', value: b64(new Uint8Array([...k.privateKey, ...k.publicKey])) },
  };
}

export function readKeyFile(path: string): Ed25519Key {
  let f: Ed25519KeyFile;
  try {
    f = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read key file ${path}: ${(e as Error).message}`);
  }
  const priv = Buffer.from(f.priv_key?.value ?? '', 'base64');
  if (priv.length !== 64 && priv.length !== 32) throw new Error(`key file ${path}: priv_key must be 32 or 64 bytes of base64`);
  return newEd25519Key(new Uint8Array(priv.subarray(0, 32)));
}

function writeJson(path: string, value: unknown, mode?: number): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value, null, 2) + '\n', { mode });
}

export function readGenesis(home: string): GenesisDoc {
  const path = homePaths(home).genesis;
  let doc: GenesisDoc;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read genesis ${path}: ${(e as Error).message}`);
  }
  validateGenesis(doc);
  return doc;
}

export function writeGenesis(home: string, doc: GenesisDoc): void {
  validateGenesis(doc);
  writeJson(homePaths(home).genesis, doc);
}

export interface InitOptions {
  chainId: string;
  moniker: string;
  /** balances funded at genesis */
  balances?: BankGenesis['balances'];
  genesisTime?: string;
  config?: Partial<NodeConfig>;
  overwrite?: boolean;
  validatorPower?: bigint;
}

/**
 * Creates a node home: config, node key, ed25519 validator key and a genesis in which this node is the
 * only validator. Refuses to overwrite an existing home unless told to.
 */
export function initHome(home: string, o: InitOptions): { validator: Ed25519Key; genesis: GenesisDoc } {
  const p = homePaths(home);
  if (existsSync(p.genesis) && !o.overwrite) throw new Error(`${home} is already initialised (${p.genesis} exists); use --overwrite to replace it`);
  const validator = newEd25519Key();
  const nodeKey = newEd25519Key();
  writeJson(p.config, { ...DEFAULT_CONFIG, ...o.config, moniker: o.moniker });
  writeJson(p.validatorKey, keyToFile(validator), 0o600);
  writeJson(p.nodeKey, keyToFile(nodeKey), 0o600);
  const bank = defaultBankGenesis();
  bank.balances = o.balances ?? [];
  const genesis: GenesisDoc = {
    genesis_time: o.genesisTime ?? new Date().toISOString(),
    chain_id: o.chainId,
    initial_height: '1',
    consensus_params: DEFAULT_CONSENSUS_PARAMS,
    validators: [
      {
        address: Buffer.from(validator.address).toString('hex').toUpperCase(),
        pub_key: { type: 'tendermint/PubKeyEd25519', value: Buffer.from(validator.publicKey).toString('base64') },
        power: (o.validatorPower ?? 10n).toString(),
        name: o.moniker,
      },
    ],
    app_hash: '',
    app_state: { auth: defaultAuthGenesis(), bank },
  };
  writeGenesis(home, genesis);
  mkdirSync(p.data, { recursive: true });
  return { validator, genesis };
}

/** Adds (or tops up) a genesis balance: `vivian genesis add-account`. */
export function addGenesisAccount(home: string, address: string, coins: Array<{ denom: string; amount: string }>): GenesisDoc {
  const doc = readGenesis(home);
  const bank = (doc.app_state.bank ?? defaultBankGenesis()) as BankGenesis;
  bank.balances ??= [];
  const existing = bank.balances.find((b) => b.address === address);
  if (existing) {
    const merged = new Map(existing.coins.map((c) => [c.denom, BigInt(c.amount)]));
    for (const c of coins) merged.set(c.denom, (merged.get(c.denom) ?? 0n) + BigInt(c.amount));
    existing.coins = [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([denom, amount]) => ({ denom, amount: amount.toString() }));
  } else {
    bank.balances.push({ address, coins });
  }
  doc.app_state.bank = bank;
  writeGenesis(home, doc);
  return doc;
}
