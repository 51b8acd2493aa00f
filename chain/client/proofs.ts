/**
 * Checks a node's ledger and state answers against roots, and roots against an app hash (pure; every
 * failure throws a LightErrors.* naming the field that disagreed).
 */
import { appHash, eventsHash } from '../app/roots.js';
import { sha256 } from '../crypto/hash.js';
import { bytesEqual, decodeTxInfo, leafHash, verifyConsistency, verifyInclusion, type TxInfo } from '../ledger/index.js';
import { LightErrors } from './errors.js';
import { verifyStateProofOps } from './stateProofOps.js';
import type { ConsistencyJson, LedgerTxJson, RootsJson, StateProofJson } from './wire.js';

export interface VerifiedRoots {
  height: bigint;
  ledgerSize: bigint;
  ledgerRoot: Uint8Array;
  stateRoot: Uint8Array;
  appHash: Uint8Array;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();
const bad = (what: string) => LightErrors.MalformedResponse(what);

export function parseHash(s: unknown, what: string): Uint8Array {
  if (typeof s !== 'string' || !/^[0-9a-fA-F]{64}$/.test(s)) throw bad(`${what} is not a 32-byte hex hash`);
  return new Uint8Array(Buffer.from(s, 'hex'));
}

function parseUint(s: unknown, what: string): bigint {
  if (typeof s !== 'string' || !/^[0-9]{1,20}$/.test(s)) throw bad(`${what} is not a decimal integer`);
  return BigInt(s);
}

function parseB64(s: unknown, what: string): Uint8Array {
  if (typeof s !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw bad(`${what} is not base64`);
  return new Uint8Array(Buffer.from(s, 'base64'));
}

function parsePath(p: unknown, what: string): Uint8Array[] {
  if (!Array.isArray(p)) throw bad(`${what} is not a list`);
  return p.map((h, i) => parseHash(h, `${what}[${i}]`));
}

/** Roots whose SHA-256(state_root ‖ ledger_root ‖ uint64be(ledger_size)) is `expectedAppHash` (of header height+1). */
export function verifyRoots(r: RootsJson, expectedAppHash: Uint8Array): VerifiedRoots {
  const roots = {
    height: parseUint(r.height, 'roots.height'),
    ledgerSize: parseUint(r.ledger_size, 'roots.ledger_size'),
    ledgerRoot: parseHash(r.ledger_root, 'roots.ledger_root'),
    stateRoot: parseHash(r.state_root, 'roots.state_root'),
    appHash: parseHash(r.app_hash, 'roots.app_hash'),
  };
  const computed = appHash(roots.stateRoot, roots.ledgerRoot, roots.ledgerSize);
  if (!bytesEqual(computed, expectedAppHash)) {
    throw LightErrors.RootsMismatch(`roots of height ${roots.height} hash to ${hex(computed)}, the verified header carries ${hex(expectedAppHash)}`);
  }
  return { ...roots, appHash: computed };
}

export interface VerifiedTx {
  version: bigint;
  txHash: Uint8Array;
  info: TxInfo;
  tx: Uint8Array;
}

/**
 * A ledger tx answer with its proof: the leaf names SHA-256 of the tx bytes, its result fields match the
 * leaf (code, codespace, gas, events hash; the log is not committed), and the leaf is at `version` in the
 * ledger of `roots`.
 */
export function verifyLedgerTx(t: LedgerTxJson, roots: VerifiedRoots): VerifiedTx {
  const version = parseUint(t.version, 'version');
  const tx = parseB64(t.tx, 'tx');
  const leafData = parseB64(t.leaf_data, 'leaf_data');
  let info: TxInfo;
  try {
    info = decodeTxInfo(leafData);
  } catch (e) {
    throw bad(`leaf_data: ${(e as Error).message}`);
  }
  const mismatch = (what: string) => LightErrors.InvalidProof(`version ${version}: ${what}`);
  if (!bytesEqual(info.txHash, sha256(tx))) throw mismatch(`the leaf names tx ${hex(info.txHash)}, the tx bytes hash to ${hex(sha256(tx))}`);
  if (!bytesEqual(info.txHash, parseHash(t.tx_hash, 'tx_hash'))) throw mismatch(`tx_hash ${t.tx_hash} is not the leaf's ${hex(info.txHash)}`);
  if (parseUint(t.height, 'height') !== info.height) throw mismatch(`height ${t.height} is not the leaf's ${info.height}`);
  const r = t.result;
  if (r.code !== info.code || r.codespace !== info.codespace) throw mismatch(`result ${r.codespace}/${r.code} is not the leaf's ${info.codespace}/${info.code}`);
  if (parseUint(r.gas_used, 'gas_used') !== info.gasUsed || parseUint(r.gas_wanted, 'gas_wanted') !== info.gasWanted) throw mismatch('gas figures differ from the leaf');
  if (!Array.isArray(r.events)) throw bad('result.events is not a list');
  if (!bytesEqual(eventsHash(r.events), info.eventsHash)) throw mismatch('the events do not hash to the leaf events_hash');
  const p = t.proof;
  if (!p) throw bad('the answer carries no proof (ask with prove=true)');
  const size = parseUint(p.ledger_size, 'proof.ledger_size');
  if (size !== roots.ledgerSize || !bytesEqual(parseHash(p.root, 'proof.root'), roots.ledgerRoot)) {
    throw LightErrors.InvalidProof(`the proof is against ledger size ${size} root ${p.root}, the verified roots are size ${roots.ledgerSize} root ${hex(roots.ledgerRoot)}`);
  }
  if (!verifyInclusion(leafHash(leafData), version, roots.ledgerSize, parsePath(p.path, 'proof.path'), roots.ledgerRoot)) {
    throw LightErrors.InvalidProof(`the inclusion path of version ${version} does not lead to ledger root ${hex(roots.ledgerRoot)}`);
  }
  return { version, txHash: info.txHash, info, tx };
}

/** A consistency answer between sizes `first` and `second`, returning both roots once the proof holds. */
export function verifyConsistencyAnswer(c: ConsistencyJson, first: bigint, second: bigint): { firstRoot: Uint8Array; secondRoot: Uint8Array } {
  if (parseUint(c.first, 'first') !== first || parseUint(c.second, 'second') !== second) throw bad(`answer is for ${c.first} -> ${c.second}, asked ${first} -> ${second}`);
  const firstRoot = parseHash(c.first_root, 'first_root');
  const secondRoot = parseHash(c.second_root, 'second_root');
  if (!verifyConsistency(first, second, firstRoot, secondRoot, parsePath(c.path, 'path'))) {
    throw LightErrors.InvalidProof(`the consistency proof ${first} -> ${second} does not hold`);
  }
  return { firstRoot, secondRoot };
}

/** A state proof answer against a verified app hash; returns the proven value (undefined: proven absent). */
export function verifyStateAnswer(s: StateProofJson, key: Uint8Array, expectedAppHash: Uint8Array): Uint8Array | undefined {
  if (typeof s.key !== 'string' || s.key.toUpperCase() !== hex(key)) throw bad(`answer is for key ${String(s.key)}, asked ${hex(key)}`);
  const value = s.value === null ? undefined : parseB64(s.value, 'value');
  if (s.exists !== (value !== undefined)) throw bad('exists disagrees with value');
  if (!s.proof_ops || !Array.isArray(s.proof_ops.ops)) throw bad('proof_ops is missing');
  const ops = { ops: s.proof_ops.ops.map((o, i) => ({ type: String(o.type), key: parseB64(o.key, `proof_ops[${i}].key`), data: parseB64(o.data, `proof_ops[${i}].data`) })) };
  if (!verifyStateProofOps(ops, key, value, expectedAppHash)) {
    throw LightErrors.InvalidProof(`the state proof of key ${hex(key)} (${value === undefined ? 'absent' : 'present'}) does not lead to app hash ${hex(expectedAppHash)}`);
  }
  return value;
}
