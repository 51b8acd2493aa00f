
/** auth's key space inside the state (module byte 0x01). */
export const AUTH_PREFIX = 0x01;
const ACCOUNT = Uint8Array.of(AUTH_PREFIX, 0x01);
export const NEXT_ACCOUNT_NUMBER_KEY = Uint8Array.of(AUTH_PREFIX, 0x02);
export const PARAMS_KEY = Uint8Array.of(AUTH_PREFIX, 0x03);

/** 0x01 0x01 ++ address bytes -> Any(BaseAccount | ModuleAccount) */
export function accountKey(address: Uint8Array): Uint8Array {
  const key = Buffer.allocUnsafe(2 + address.length);
  key[0] = AUTH_PREFIX;
  key[1] = 0x01;
  key.set(address, 2);
  return key;
}
export const ACCOUNT_PREFIX = ACCOUNT;
