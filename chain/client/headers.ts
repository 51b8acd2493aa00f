/**
 * Header verification as CometBFT's light client does it (light/verifier.go), pure and synchronous:
 * - a light block (signed header + validator set) is well formed when its header is for the chain, its
 *   validators hash to the header's validators_hash, and its commit signs exactly this header's hash with
 *   more than 2/3 of that set's voting power (ed25519 signatures over canonical precommits);
 * - an adjacent header (height h+1) must name the trusted one as its last block and be signed by the set the
 *   trusted header announced in next_validators_hash;
 * - a non-adjacent header is accepted when validators holding more than 1/3 (the trust level) of the trusted
 *   set's power signed it — at least one of them is honest — so validator-set changes in between are
 *   followed without walking every height; otherwise the caller bisects.
 * The trusting period (time since the trusted header) is the caller's policy, not checked here.
 */
import type { Header } from 'cosmjs-types/tendermint/types/types';
import { BlockIDFlag, headerHash, toHex, verifyCommit, voteFromCommitSig, voteSignBytes, type ValidatorSet } from '../consensus/types/index.js';
import { verifyEd25519 } from '../crypto/ed25519.js';
import { bytesEqual } from '../ledger/merkle.js';
import { LightErrors } from './errors.js';
import type { SignedHeader } from './rpcSource.js';

export interface LightBlock {
  signedHeader: SignedHeader;
  validators: ValidatorSet;
}

export interface VerifiedHeader {
  height: bigint;
  hash: Uint8Array;
  header: Header;
  validators: ValidatorSet;
}

const hex = (b: Uint8Array) => toHex(b).toUpperCase();

/** The header's hash, once the light block is shown to be a correctly signed header of `chainId`. */
export function verifyLightBlock(chainId: string, block: LightBlock): VerifiedHeader {
  const { header, commit } = block.signedHeader;
  if (header.chainId !== chainId) throw LightErrors.WrongChain(`header ${header.height} is for chain ${JSON.stringify(header.chainId)}, expected ${JSON.stringify(chainId)}`);
  if (commit.height !== header.height) throw LightErrors.HeaderMismatch(`commit is for height ${commit.height}, header for ${header.height}`);
  const hash = headerHash(header);
  if (!hash) throw LightErrors.HeaderMismatch(`header ${header.height} has no validators hash`);
  if (!bytesEqual(hash, commit.blockId.hash)) {
    throw LightErrors.HeaderMismatch(`header ${header.height} hashes to ${hex(hash)}, but its commit signs block ${hex(commit.blockId.hash)}`);
  }
  const valsHash = block.validators.hash();
  if (!bytesEqual(valsHash, header.validatorsHash)) {
    throw LightErrors.ValidatorSetMismatch(`validator set hashes to ${hex(valsHash)}, header ${header.height} names ${hex(header.validatorsHash)}`);
  }
  // Tally first so too little power is reported as such, then let verifyCommit check every signature.
  const tallied = commitPower(block.validators, block.signedHeader);
  if (tallied * 3n <= block.validators.totalVotingPower * 2n) {
    throw LightErrors.NotEnoughPower(`header ${header.height}: ${tallied} of ${block.validators.totalVotingPower} voting power signed, more than 2/3 needed`);
  }
  try {
    verifyCommit(chainId, block.validators, commit.blockId, header.height, commit, verifyEd25519);
  } catch (e) {
    throw LightErrors.InvalidCommit(`header ${header.height}: ${(e as Error).message}`);
  }
  return { height: header.height, hash, header, validators: block.validators };
}

/** Height h+1 after a verified header of height h. */
export function verifyAdjacent(chainId: string, trusted: VerifiedHeader, next: LightBlock): VerifiedHeader {
  const h = next.signedHeader.header;
  if (h.height !== trusted.height + 1n) throw LightErrors.InvalidArgument(`header ${h.height} is not adjacent to ${trusted.height}`);
  if (!bytesEqual(h.validatorsHash, trusted.header.nextValidatorsHash)) {
    throw LightErrors.ValidatorSetMismatch(`header ${h.height} is signed by validators ${hex(h.validatorsHash)}, but header ${trusted.height} announced ${hex(trusted.header.nextValidatorsHash)}`);
  }
  if (!bytesEqual(h.lastBlockId.hash, trusted.hash)) {
    throw LightErrors.HeaderMismatch(`header ${h.height} follows block ${hex(h.lastBlockId.hash)}, not the trusted ${hex(trusted.hash)}`);
  }
  checkTimeAdvances(trusted.header, h);
  return verifyLightBlock(chainId, next);
}

/** A header above trusted.height + 1: more than 1/3 of the trusted set must have signed it (see above). */
export function verifyNonAdjacent(chainId: string, trusted: VerifiedHeader, target: LightBlock): VerifiedHeader {
  const h = target.signedHeader.header;
  if (h.height <= trusted.height + 1n) throw LightErrors.InvalidArgument(`header ${h.height} is not above ${trusted.height + 1n}`);
  checkTimeAdvances(trusted.header, h);
  if (h.chainId !== chainId) throw LightErrors.WrongChain(`header ${h.height} is for chain ${JSON.stringify(h.chainId)}, expected ${JSON.stringify(chainId)}`);
  const trustedPower = trustedSignedPower(chainId, trusted.validators, target.signedHeader);
  if (trustedPower * 3n <= trusted.validators.totalVotingPower) {
    throw LightErrors.NotEnoughPower(`header ${h.height}: validators of trusted header ${trusted.height} with ${trustedPower} of ${trusted.validators.totalVotingPower} power signed it, more than 1/3 needed`);
  }
  return verifyLightBlock(chainId, target);
}

/** A header below a verified one, linked by hashes: header(h).hash must be header(h+1).last_block_id. */
export function verifyBackwards(chainId: string, above: VerifiedHeader, header: Header): Header {
  if (header.height + 1n !== above.height) throw LightErrors.InvalidArgument(`header ${header.height} is not just below ${above.height}`);
  if (header.chainId !== chainId) throw LightErrors.WrongChain(`header ${header.height} is for chain ${JSON.stringify(header.chainId)}`);
  const hash = headerHash(header);
  if (!hash || !bytesEqual(hash, above.header.lastBlockId.hash)) {
    throw LightErrors.HeaderMismatch(`header ${header.height} hashes to ${hash ? hex(hash) : 'nothing'}, header ${above.height} follows ${hex(above.header.lastBlockId.hash)}`);
  }
  return header;
}

function checkTimeAdvances(trusted: Header, next: Header): void {
  const t0 = trusted.time.seconds * 1_000_000_000n + BigInt(trusted.time.nanos);
  const t1 = next.time.seconds * 1_000_000_000n + BigInt(next.time.nanos);
  if (t1 <= t0) throw LightErrors.HeaderMismatch(`header ${next.height} is not later than trusted header ${trusted.height}`);
}

/** Power of the COMMIT slots, by the set's own order (signatures are checked afterwards). */
function commitPower(validators: ValidatorSet, sh: SignedHeader): bigint {
  let power = 0n;
  sh.commit.signatures.forEach((sig, i) => {
    if (sig.blockIdFlag !== BlockIDFlag.BLOCK_ID_FLAG_COMMIT) return;
    const v = validators.getByIndex(i);
    if (v && bytesEqual(v.address, sig.validatorAddress)) power += v.votingPower;
  });
  return power;
}

/** Power of trusted validators with a valid COMMIT signature on the header, each counted once. */
function trustedSignedPower(chainId: string, trustedVals: ValidatorSet, sh: SignedHeader): bigint {
  const seen = new Set<string>();
  let power = 0n;
  sh.commit.signatures.forEach((sig, i) => {
    if (sig.blockIdFlag !== BlockIDFlag.BLOCK_ID_FLAG_COMMIT) return;
    const found = trustedVals.getByAddress(sig.validatorAddress);
    if (!found) return;
    const key = toHex(sig.validatorAddress);
    if (seen.has(key)) throw LightErrors.InvalidCommit(`header ${sh.header.height}: validator ${key.toUpperCase()} signed twice`);
    seen.add(key);
    if (!verifyEd25519(found.validator.pubKey, voteSignBytes(chainId, voteFromCommitSig(sh.commit, i)), sig.signature)) {
      throw LightErrors.InvalidCommit(`header ${sh.header.height}: bad signature #${i} from ${key.toUpperCase()}`);
    }
    power += found.validator.votingPower;
  });
  return power;
}
