/** Shared test helpers: deterministic ed25519 keys (node:crypto), signing, typed-error assertions. */
import { createPrivateKey, createPublicKey, sign, verify, KeyObject } from 'node:crypto';
import type { Test } from 'tap';
import { sha256 } from '../../../chain/crypto/hash.js';
import type { ErrorKind } from '../../../chain/types/errors.js';
import { makeValidator, type Ed25519Verify, type Validator } from '../../../chain/consensus/types/index.js';

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface TestKey {
  readonly pubKey: Uint8Array;
  readonly privateKey: KeyObject;
  sign(message: Uint8Array): Uint8Array;
}

/** The ed25519 key whose seed is SHA-256(label): the same keys (and addresses) on every run. */
export function testKey(label: string): TestKey {
  const seed = sha256(Buffer.from(label));
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const pubKey = new Uint8Array(spki.subarray(spki.length - 32));
  return { pubKey, privateKey, sign: (message) => new Uint8Array(sign(null, message, privateKey)) };
}

export const verifyEd25519: Ed25519Verify = (pubKey, message, signature) => {
  if (signature.length !== 64) return false;
  const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, pubKey]), format: 'der', type: 'spki' });
  return verify(null, message, key, signature);
};

/** Validators with the given powers and keys testKey('validator-<i>'). */
export function testValidators(powers: readonly bigint[]): { validators: Validator[]; keys: Map<string, TestKey> } {
  const keys = new Map<string, TestKey>();
  const validators = powers.map((power, i) => {
    const key = testKey(`validator-${i}`);
    const v = makeValidator(key.pubKey, power);
    keys.set(Buffer.from(v.address).toString('hex'), key);
    return v;
  });
  return { validators, keys };
}

export function throwsKind(t: Test, fn: () => unknown, kind: ErrorKind): void {
  try {
    fn();
    t.fail(`expected ${kind.description}`);
  } catch (e) {
    t.ok(kind.is(e), `throws ${kind.description}: ${(e as Error).message}`);
  }
}
