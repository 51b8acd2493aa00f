import { createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';

/**
 * The crypto behind the `env` imports, with CosmWasm's result codes (packages/crypto/src/errors.rs):
 * 0 valid / success, 1 invalid, and error codes for malformed input. Pure functions: no gas, no memory.
 */
export const CryptoCode = Object.freeze({
  Valid: 0,
  Invalid: 1,
  InvalidHashFormat: 3,
  InvalidSignatureFormat: 4,
  InvalidPubkeyFormat: 5,
  InvalidRecoveryParam: 6,
  BatchErr: 7,
  InvalidPoint: 8,
  UnknownHashFunction: 9,
  GenericErr: 10,
  NotMultipleG1: 11,
  NotMultipleG2: 12,
  UnequalPointAmount: 13,
  AggregationEmpty: 14,
  AggregationNotMultiple: 15,
});

/** Either a value or a CosmWasm crypto error code. */
export type CryptoResult<T> = { ok: T } | { code: number };

type Ecdsa = typeof secp256k1;

function checkEcdsaPubkey(pubkey: Uint8Array): boolean {
  const first = pubkey[0];
  return ((first === 0x02 || first === 0x03) && pubkey.length === 33) || (first === 0x04 && pubkey.length === 65);
}

function ecdsaVerify(curve: Ecdsa, hash: Uint8Array, signature: Uint8Array, pubkey: Uint8Array): number {
  if (hash.length !== 32) return CryptoCode.InvalidHashFormat;
  if (signature.length !== 64) return CryptoCode.InvalidSignatureFormat;
  if (!checkEcdsaPubkey(pubkey)) return CryptoCode.InvalidPubkeyFormat;
  try {
    curve.Signature.fromBytes(signature, 'compact');
    curve.Point.fromBytes(pubkey);
  } catch {
    return CryptoCode.GenericErr;
  }
  // High-S signatures are accepted (normalised), as CosmWasm does.
  return curve.verify(signature, hash, pubkey, { prehash: false, lowS: false }) ? CryptoCode.Valid : CryptoCode.Invalid;
}

function ecdsaRecover(curve: Ecdsa, hash: Uint8Array, signature: Uint8Array, recoveryParam: number): CryptoResult<Uint8Array> {
  if (hash.length !== 32) return { code: CryptoCode.InvalidHashFormat };
  if (signature.length !== 64) return { code: CryptoCode.InvalidSignatureFormat };
  if (recoveryParam !== 0 && recoveryParam !== 1) return { code: CryptoCode.InvalidRecoveryParam };
  try {
    let sig = curve.Signature.fromBytes(signature, 'compact');
    let recovery = recoveryParam;
    if (sig.hasHighS()) {
      sig = new curve.Signature(sig.r, curve.Point.Fn.ORDER - sig.s);
      recovery ^= 1;
    }
    const point = sig.addRecoveryBit(recovery).recoverPublicKey(hash);
    return { ok: point.toBytes(false) };
  } catch {
    return { code: CryptoCode.GenericErr };
  }
}

export const secp256k1Verify = (h: Uint8Array, s: Uint8Array, p: Uint8Array) => ecdsaVerify(secp256k1, h, s, p);
export const secp256k1Recover = (h: Uint8Array, s: Uint8Array, r: number) => ecdsaRecover(secp256k1, h, s, r);
export const secp256r1Verify = (h: Uint8Array, s: Uint8Array, p: Uint8Array) => ecdsaVerify(p256 as unknown as Ecdsa, h, s, p);
export const secp256r1Recover = (h: Uint8Array, s: Uint8Array, r: number) => ecdsaRecover(p256 as unknown as Ecdsa, h, s, r);

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const edKeys = new Map<string, KeyObject | null>();

/** node:crypto's Ed25519 (RFC 8032), with parsed keys cached (bounded) because parsing dominates. */
function edKey(pubkey: Uint8Array): KeyObject | null {
  const id = Buffer.from(pubkey).toString('hex');
  let key = edKeys.get(id);
  if (key === undefined) {
    try {
      key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, pubkey]), format: 'der', type: 'spki' });
    } catch {
      key = null;
    }
    if (edKeys.size >= 1024) edKeys.delete(edKeys.keys().next().value!);
    edKeys.set(id, key);
  }
  return key;
}

export function ed25519Verify(message: Uint8Array, signature: Uint8Array, pubkey: Uint8Array): number {
  if (signature.length !== 64) return CryptoCode.InvalidSignatureFormat;
  if (pubkey.length !== 32) return CryptoCode.InvalidPubkeyFormat;
  const key = edKey(pubkey);
  if (!key) return CryptoCode.Invalid;
  try {
    return nodeVerify(null, message, key, signature) ? CryptoCode.Valid : CryptoCode.Invalid;
  } catch {
    return CryptoCode.Invalid;
  }
}

/**
 * Batch semantics of CosmWasm: n messages/signatures/keys, or one message for n signatures, or one key for n
 * messages. Each signature is checked; an empty batch is valid.
 */
export function ed25519BatchVerify(messages: Uint8Array[], signatures: Uint8Array[], pubkeys: Uint8Array[]): number {
  const n = signatures.length;
  let msgs = messages;
  let keys = pubkeys;
  if (messages.length === n && pubkeys.length === n) {
    // one to one
  } else if (messages.length === 1 && pubkeys.length === n) {
    msgs = Array.from({ length: n }, () => messages[0]!);
  } else if (pubkeys.length === 1 && messages.length === n) {
    keys = Array.from({ length: n }, () => pubkeys[0]!);
  } else {
    return CryptoCode.BatchErr;
  }
  for (let i = 0; i < n; i++) {
    if (signatures[i]!.length !== 64) return CryptoCode.InvalidSignatureFormat;
    if (keys[i]!.length !== 32) return CryptoCode.InvalidPubkeyFormat;
  }
  for (let i = 0; i < n; i++) {
    if (ed25519Verify(msgs[i]!, signatures[i]!, keys[i]!) !== CryptoCode.Valid) return CryptoCode.Invalid;
  }
  return CryptoCode.Valid;
}

const G1_LEN = 48;
const G2_LEN = 96;
const { G1, G2, fields } = bls12_381;

function aggregate<P extends { add(o: P): P; toBytes(compressed?: boolean): Uint8Array }>(
  data: Uint8Array,
  size: number,
  decode: (b: Uint8Array) => P,
  zero: P,
): CryptoResult<Uint8Array> {
  if (data.length === 0) return { code: CryptoCode.AggregationEmpty };
  if (data.length % size !== 0) return { code: CryptoCode.AggregationNotMultiple };
  let sum = zero;
  for (let i = 0; i < data.length; i += size) {
    try {
      sum = sum.add(decode(data.subarray(i, i + size)));
    } catch {
      return { code: CryptoCode.InvalidPoint };
    }
  }
  return { ok: sum.toBytes(true) };
}

export const bls12381AggregateG1 = (points: Uint8Array) =>
  aggregate(points, G1_LEN, (b) => G1.Point.fromBytes(b), G1.Point.ZERO);
export const bls12381AggregateG2 = (points: Uint8Array) =>
  aggregate(points, G2_LEN, (b) => G2.Point.fromBytes(b), G2.Point.ZERO);

/** e(p1,q1)·…·e(pn,qn) == e(r,s): 0 when equal, 1 when not, or an error code. */
export function bls12381PairingEquality(ps: Uint8Array, qs: Uint8Array, r: Uint8Array, s: Uint8Array): number {
  if (ps.length % G1_LEN !== 0) return CryptoCode.NotMultipleG1;
  if (qs.length % G2_LEN !== 0) return CryptoCode.NotMultipleG2;
  const n = ps.length / G1_LEN;
  if (n !== qs.length / G2_LEN) return CryptoCode.UnequalPointAmount;
  const pairs: { g1: InstanceType<typeof G1.Point>; g2: InstanceType<typeof G2.Point> }[] = [];
  try {
    for (let i = 0; i < n; i++) {
      pairs.push({
        g1: G1.Point.fromBytes(ps.subarray(i * G1_LEN, (i + 1) * G1_LEN)),
        g2: G2.Point.fromBytes(qs.subarray(i * G2_LEN, (i + 1) * G2_LEN)),
      });
    }
    if (r.length !== G1_LEN || s.length !== G2_LEN) return CryptoCode.InvalidPoint;
    pairs.push({ g1: G1.Point.fromBytes(r).negate(), g2: G2.Point.fromBytes(s) });
  } catch {
    return CryptoCode.InvalidPoint;
  }
  // Pairings with the point at infinity are 1; noble refuses them, so leave them out of the product.
  const live = pairs.filter((p) => !p.g1.is0() && !p.g2.is0());
  if (live.length === 0) return CryptoCode.Valid;
  return fields.Fp12.eql(bls12_381.pairingBatch(live), fields.Fp12.ONE) ? CryptoCode.Valid : CryptoCode.Invalid;
}

/** hash_function 0 is SHA-256 (expand_message_xmd), the only one CosmWasm defines. */
export function bls12381HashToG1(hashFunction: number, msg: Uint8Array, dst: Uint8Array): CryptoResult<Uint8Array> {
  if (hashFunction !== 0) return { code: CryptoCode.UnknownHashFunction };
  return { ok: G1.hashToCurve(msg, { DST: dst }).toBytes(true) };
}

export function bls12381HashToG2(hashFunction: number, msg: Uint8Array, dst: Uint8Array): CryptoResult<Uint8Array> {
  if (hashFunction !== 0) return { code: CryptoCode.UnknownHashFunction };
  return { ok: G2.hashToCurve(msg, { DST: dst }).toBytes(true) };
}

/** CosmWasm's section encoding for lists of byte strings: each item followed by its u32 big-endian length. */
export function decodeSections(data: Uint8Array): Uint8Array[] | undefined {
  const out: Uint8Array[] = [];
  let end = data.length;
  while (end >= 4) {
    const len = ((data[end - 4]! << 24) | (data[end - 3]! << 16) | (data[end - 2]! << 8) | data[end - 1]!) >>> 0;
    const start = end - 4 - len;
    if (start < 0) return undefined;
    out.push(data.subarray(start, end - 4));
    end = start;
  }
  if (end !== 0) return undefined;
  return out.reverse();
}

export function encodeSections(sections: Uint8Array[]): Uint8Array {
  const total = sections.reduce((n, s) => n + s.length + 4, 0);
  const out = new Uint8Array(total);
  let pos = 0;
  for (const s of sections) {
    out.set(s, pos);
    pos += s.length;
    new DataView(out.buffer).setUint32(pos, s.length, false);
    pos += 4;
  }
  return out;
}
