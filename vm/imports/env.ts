import { ENV_IMPORTS } from '../abi.js';
import { CallContext } from '../context.js';
import { VmError, VmErrorCode } from '../errors.js';
import { Order } from '../host.js';
import { ABI_LIMITS as L } from '../limits.js';
import * as crypto from './crypto.js';
import { createVectorImports, type VECTOR_IMPORTS } from './vector.js';
import type { LinearCost } from '../gas.js';

const te = new TextEncoder();
const EMPTY = new Uint8Array(0);

/** High half of the u64 result of *_recover_pubkey: an error code; low half: a Region pointer. */
const errorHigh = (code: number) => BigInt(code) << 32n;

/**
 * The full CosmWasm `env` import set, plus VIVIAN's vector collection imports (vector.ts), bound to one call. Every function is provided to every contract, so
 * instantiation never depends on which of them a contract imports. Semantics and return codes follow
 * CosmWasm's packages/vm/src/imports.rs.
 */
export function createEnvImports(ctx: CallContext): Record<keyof typeof ENV_IMPORTS | keyof typeof VECTOR_IMPORTS, (...args: never[]) => unknown> {
  const s = ctx.schedule;
  const host = ctx.host;
  const enter = () => ctx.charge(s.hostCall);
  const denyWrite = (what: string) => {
    if (ctx.readOnly) throw new VmError(VmErrorCode.WriteAccessDenied, `${what} is not allowed in a read-only call (query)`);
  };
  const iterator = (id: number) => {
    const it = ctx.iterators[id - 1];
    if (!it) throw new VmError(VmErrorCode.IteratorNotFound, `iterator ${id} does not exist in this call`);
    return it;
  };
  const nextRecord = (id: number) => {
    const it = iterator(id);
    const record = it.next();
    ctx.chargeStorage('next', record?.[0].length ?? 0, record?.[1].length ?? 0);
    return record;
  };
  // the ECDSA imports differ only in curve and price
  const ecdsaVerify =
    (price: number, verify: (hash: Uint8Array, sig: Uint8Array, pub: Uint8Array) => number) =>
    (hashPtr: number, sigPtr: number, pubPtr: number) => {
      enter();
      const hash = ctx.readRegion(hashPtr, L.ecdsaMessageHash, 'message hash');
      const sig = ctx.readRegion(sigPtr, L.ecdsaSignature, 'signature');
      const pub = ctx.readRegion(pubPtr, L.ecdsaPubkey, 'public key');
      ctx.charge(price);
      return verify(hash, sig, pub);
    };
  const ecdsaRecover =
    (price: number, recover: (hash: Uint8Array, sig: Uint8Array, param: number) => { ok: Uint8Array } | { code: number }) =>
    (hashPtr: number, sigPtr: number, param: number) => {
      enter();
      const hash = ctx.readRegion(hashPtr, L.ecdsaMessageHash, 'message hash');
      const sig = ctx.readRegion(sigPtr, L.ecdsaSignature, 'signature');
      if (param >>> 0 > 255) return errorHigh(crypto.CryptoCode.InvalidRecoveryParam);
      ctx.charge(price);
      const r = recover(hash, sig, param);
      return 'ok' in r ? BigInt(ctx.writeToContract(r.ok)) : errorHigh(r.code);
    };
  // the BLS12-381 G1/G2 imports differ only in the group and price
  const blsAggregate =
    (price: LinearCost, pointSize: number, what: string, aggregate: (points: Uint8Array) => crypto.CryptoResult<Uint8Array>) =>
    (pointsPtr: number, outPtr: number) => {
      enter();
      const points = ctx.readRegion(pointsPtr, L.blsAggregate, what);
      ctx.chargeLinear(price, Math.floor(points.length / pointSize));
      const r = aggregate(points);
      if ('code' in r) return r.code;
      ctx.writeRegion(outPtr, r.ok);
      return 0;
    };
  const blsHashTo =
    (price: number, hashTo: (hashFn: number, msg: Uint8Array, dst: Uint8Array) => crypto.CryptoResult<Uint8Array>) =>
    (hashFn: number, msgPtr: number, dstPtr: number, outPtr: number) => {
      enter();
      const msg = ctx.readRegion(msgPtr, L.blsMessage, 'message');
      const dst = ctx.readRegion(dstPtr, L.blsDst, 'domain separation tag');
      ctx.charge(price);
      const r = hashTo(hashFn, msg, dst);
      if ('code' in r) return r.code;
      ctx.writeRegion(outPtr, r.ok);
      return 0;
    };
  const addrError = (message: string) => ctx.writeToContract(te.encode(message));
  const readHuman = (ptr: number): string | { error: number } => {
    const bytes = ctx.readRegion(ptr, L.humanAddress, 'human address');
    if (bytes.length === 0) return { error: addrError('Input is empty') };
    ctx.chargeLinear(s.stringFromBytes, bytes.length);
    const text = CallContext.utf8(bytes);
    return text === undefined ? { error: addrError('Input is not valid UTF-8') } : text;
  };

  const standard: Record<keyof typeof ENV_IMPORTS, (...args: number[]) => unknown> = {
    abort(msgPtr) {
      enter();
      const message = ctx.readString(msgPtr, L.abortMessage, 'abort message');
      throw new VmError(VmErrorCode.ContractAborted, `contract aborted: ${message}`);
    },
    debug(msgPtr) {
      enter();
      const message = ctx.readRegion(msgPtr, L.debugMessage, 'debug message');
      host.debug?.(new TextDecoder().decode(message));
    },
    db_read(keyPtr) {
      enter();
      const key = ctx.readRegion(keyPtr, L.dbKey, 'storage key');
      const value = host.storage.get(key);
      ctx.chargeStorage('read', key.length, value?.length ?? 0);
      return value === undefined ? 0 : ctx.writeToContract(value);
    },
    db_write(keyPtr, valuePtr) {
      enter();
      denyWrite('db_write');
      const key = ctx.readRegion(keyPtr, L.dbKey, 'storage key');
      const value = ctx.readRegion(valuePtr, L.dbValue, 'storage value');
      ctx.chargeStorage('write', key.length, value.length);
      host.storage.set(key, value);
    },
    db_remove(keyPtr) {
      enter();
      denyWrite('db_remove');
      const key = ctx.readRegion(keyPtr, L.dbKey, 'storage key');
      ctx.chargeStorage('remove', key.length, 0);
      host.storage.remove(key);
    },
    db_scan(startPtr, endPtr, order) {
      enter();
      const start = ctx.readOptionalRegion(startPtr, L.dbKey, 'scan start');
      const end = ctx.readOptionalRegion(endPtr, L.dbKey, 'scan end');
      if (order !== Order.Ascending && order !== Order.Descending) {
        throw new VmError(VmErrorCode.InvalidHostCall, `db_scan order ${order} is invalid: use 1 (ascending) or 2 (descending)`);
      }
      if (ctx.iterators.length >= ctx.limits.maxIterators) {
        throw new VmError(VmErrorCode.TooLarge, `more than ${ctx.limits.maxIterators} iterators opened in one call`);
      }
      ctx.chargeStorage('scan', (start?.length ?? 0) + (end?.length ?? 0), 0);
      ctx.iterators.push(host.storage.scan(start, end, order));
      return ctx.iterators.length;
    },
    db_next(id) {
      enter();
      const record = nextRecord(id);
      return ctx.writeToContract(crypto.encodeSections(record ? [record[0], record[1]] : [EMPTY, EMPTY]));
    },
    db_next_key(id) {
      enter();
      const record = nextRecord(id);
      return record ? ctx.writeToContract(record[0]) : 0;
    },
    db_next_value(id) {
      enter();
      const record = nextRecord(id);
      return record ? ctx.writeToContract(record[1]) : 0;
    },
    addr_validate(srcPtr) {
      enter();
      const human = readHuman(srcPtr);
      if (typeof human !== 'string') return human.error;
      const r = host.api.addrValidate(human);
      return 'ok' in r ? 0 : addrError(r.error);
    },
    addr_canonicalize(srcPtr, destPtr) {
      enter();
      const human = readHuman(srcPtr);
      if (typeof human !== 'string') return human.error;
      const r = host.api.addrCanonicalize(human);
      if ('error' in r) return addrError(r.error);
      ctx.writeRegion(destPtr, r.ok);
      return 0;
    },
    addr_humanize(srcPtr, destPtr) {
      enter();
      const canonical = ctx.readRegion(srcPtr, L.canonicalAddress, 'canonical address');
      const r = host.api.addrHumanize(canonical);
      if ('error' in r) return addrError(r.error);
      ctx.writeRegion(destPtr, te.encode(r.ok));
      return 0;
    },
    query_chain(reqPtr) {
      enter();
      const request = ctx.readRegion(reqPtr, L.queryRequest, 'query request');
      const answer = host.querier.queryChain(request, ctx.gasLeft(), ctx.stackUsed());
      ctx.chargeExternal(answer.gasUsed);
      return ctx.writeToContract(answer.result);
    },
    secp256k1_verify: ecdsaVerify(s.secp256k1Verify, crypto.secp256k1Verify),
    secp256k1_recover_pubkey: ecdsaRecover(s.secp256k1RecoverPubkey, crypto.secp256k1Recover),
    secp256r1_verify: ecdsaVerify(s.secp256r1Verify, crypto.secp256r1Verify),
    secp256r1_recover_pubkey: ecdsaRecover(s.secp256r1RecoverPubkey, crypto.secp256r1Recover),
    ed25519_verify(msgPtr, sigPtr, pubPtr) {
      enter();
      const msg = ctx.readRegion(msgPtr, L.ed25519Message, 'message');
      const sig = ctx.readRegion(sigPtr, L.ed25519Signature, 'signature');
      const pub = ctx.readRegion(pubPtr, L.ed25519Pubkey, 'public key');
      ctx.charge(s.ed25519Verify);
      return crypto.ed25519Verify(msg, sig, pub);
    },
    ed25519_batch_verify(msgsPtr, sigsPtr, pubsPtr) {
      enter();
      const sections = (ptr: number, item: number, what: string) => {
        const decoded = crypto.decodeSections(ctx.readRegion(ptr, (item + 4) * L.ed25519BatchCount, what));
        if (!decoded) throw new VmError(VmErrorCode.RegionError, `${what} are not valid length-suffixed sections`);
        return decoded;
      };
      const msgs = sections(msgsPtr, L.ed25519Message, 'batch messages');
      const sigs = sections(sigsPtr, L.ed25519Signature, 'batch signatures');
      const pubs = sections(pubsPtr, L.ed25519Pubkey, 'batch public keys');
      ctx.chargeLinear(pubs.length === 1 ? s.ed25519BatchVerifyOnePubkey : s.ed25519BatchVerify, sigs.length);
      return crypto.ed25519BatchVerify(msgs, sigs, pubs);
    },
    bls12_381_aggregate_g1: blsAggregate(s.bls12381AggregateG1, L.blsG1, 'G1 points', crypto.bls12381AggregateG1),
    bls12_381_aggregate_g2: blsAggregate(s.bls12381AggregateG2, L.blsG2, 'G2 points', crypto.bls12381AggregateG2),
    bls12_381_pairing_equality(psPtr, qsPtr, rPtr, sPtr) {
      enter();
      const ps = ctx.readRegion(psPtr, L.blsAggregate, 'G1 points');
      const qs = ctx.readRegion(qsPtr, L.blsAggregate, 'G2 points');
      const r = ctx.readRegion(rPtr, L.blsG1, 'G1 point r');
      const sPoint = ctx.readRegion(sPtr, L.blsG2, 'G2 point s');
      ctx.chargeLinear(s.bls12381PairingEquality, Math.floor(ps.length / L.blsG1) + 1);
      return crypto.bls12381PairingEquality(ps, qs, r, sPoint);
    },
    bls12_381_hash_to_g1: blsHashTo(s.bls12381HashToG1, crypto.bls12381HashToG1),
    bls12_381_hash_to_g2: blsHashTo(s.bls12381HashToG2, crypto.bls12381HashToG2),
  };
  return { ...standard, ...createVectorImports(ctx) };
}
