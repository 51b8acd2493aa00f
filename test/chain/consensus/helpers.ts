/** Shared test helpers: deterministic ed25519 keys, signing, typed-error assertions. */
import type { Test } from 'tap';
import { sha256 } from '../../../chain/crypto/hash.js';
import { ed25519PublicKey, signEd25519, verifyEd25519 as verifyWithNodeCrypto } from '../../../chain/crypto/ed25519.js';
import type { ErrorKind } from '../../../chain/types/errors.js';
import { makeValidator, type Ed25519Verify, type Validator } from '../../../chain/consensus/types/index.js';

export interface TestKey {
  readonly pubKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** The ed25519 key whose seed is SHA-256(label): the same keys (and addresses) on every run. */
export function testKey(label: string): TestKey {
  const seed = sha256(Buffer.from(label));
  return { pubKey: ed25519PublicKey(seed), sign: (message) => signEd25519(seed, message) };
}

export const verifyEd25519: Ed25519Verify = verifyWithNodeCrypto;

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
