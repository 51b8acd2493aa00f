import { SimpleValidator, Validator as ValidatorProto } from 'cosmjs-types/tendermint/types/validator';
import { sha256 } from '../../crypto/hash.js';
import { ConsensusErrors } from './errors.js';

export const ED25519_PUBKEY_SIZE = 32;
export const ADDRESS_SIZE = 20;

/** A validator as consensus sees it. Plain data: the set derives new records instead of mutating. */
export interface Validator {
  /** First 20 bytes of SHA-256(pubKey). */
  readonly address: Uint8Array;
  /** 32-byte ed25519 public key. */
  readonly pubKey: Uint8Array;
  readonly votingPower: bigint;
  /** CometBFT's proposer priority; changes every round, never hashed. */
  readonly proposerPriority: bigint;
}

/** Address of an ed25519 consensus key: first 20 bytes of its SHA-256 (CometBFT's crypto.AddressHash). */
export function addressFromPubKey(pubKey: Uint8Array): Uint8Array {
  if (pubKey.length !== ED25519_PUBKEY_SIZE) {
    throw ConsensusErrors.invalidPublicKey(`ed25519 public key must be ${ED25519_PUBKEY_SIZE} bytes, got ${pubKey.length}`);
  }
  return sha256(pubKey).slice(0, ADDRESS_SIZE);
}

/** A validator with priority 0, as NewValidator makes it (the set assigns priorities). */
export function makeValidator(pubKey: Uint8Array, votingPower: bigint): Validator {
  return { address: addressFromPubKey(pubKey), pubKey, votingPower, proposerPriority: 0n };
}

/**
 * The bytes hashed into the validator set hash: SimpleValidator {pub_key, voting_power}. Address and
 * priority are left out (one is derived from the key, the other changes every round).
 */
export function simpleValidatorBytes(v: Validator): Uint8Array {
  return SimpleValidator.encode({ pubKey: { ed25519: v.pubKey }, votingPower: v.votingPower }).finish();
}

export function validatorToProto(v: Validator): ValidatorProto {
  return { address: v.address, pubKey: { ed25519: v.pubKey }, votingPower: v.votingPower, proposerPriority: v.proposerPriority };
}

export function validatorFromProto(p: ValidatorProto): Validator {
  const pubKey = p.pubKey.ed25519;
  if (pubKey === undefined) throw ConsensusErrors.invalidPublicKey('only ed25519 consensus keys are supported');
  return { address: p.address, pubKey, votingPower: p.votingPower, proposerPriority: p.proposerPriority };
}
