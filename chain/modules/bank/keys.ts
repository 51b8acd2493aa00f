import { concatBytes } from '../../store/kv.js';

/** bank's key space inside the state (module byte 0x02). */
export const BANK_PREFIX = 0x02;
export const BALANCE_PREFIX = Uint8Array.of(BANK_PREFIX, 0x01);
export const SUPPLY_PREFIX = Uint8Array.of(BANK_PREFIX, 0x02);
export const METADATA_PREFIX = Uint8Array.of(BANK_PREFIX, 0x03);
export const PARAMS_KEY = Uint8Array.of(BANK_PREFIX, 0x04);

const enc = new TextEncoder();

/** 0x02 0x01 ++ len(addr) ++ addr: all balances of one address sit under this prefix. */
export function balancesPrefix(addr: Uint8Array): Uint8Array {
  return concatBytes(BALANCE_PREFIX, Uint8Array.of(addr.length), addr);
}
/** balancesPrefix(addr) ++ denom -> decimal amount (built in one buffer: every transfer builds several) */
export function balanceKey(addr: Uint8Array, denom: string): Uint8Array {
  const denomLength = Buffer.byteLength(denom, 'utf8');
  const key = Buffer.allocUnsafe(3 + addr.length + denomLength);
  key[0] = BANK_PREFIX;
  key[1] = 0x01;
  key[2] = addr.length;
  key.set(addr, 3);
  key.write(denom, 3 + addr.length, 'utf8');
  return key;
}
export function supplyKey(denom: string): Uint8Array {
  return concatBytes(SUPPLY_PREFIX, enc.encode(denom));
}
export function metadataKey(denom: string): Uint8Array {
  return concatBytes(METADATA_PREFIX, enc.encode(denom));
}
