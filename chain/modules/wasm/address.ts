import { sha256 } from '../../crypto/hash.js';
import { u64be } from '../../store/buckets.js';
import { concatBytes } from '../../store/kv.js';

const te = new TextEncoder();
const MODULE_TYPE_HASH = sha256(te.encode('module'));
/** wasmd's ContractAddrLen */
export const CONTRACT_ADDRESS_LENGTH = 32;

/** cosmos-sdk address.Module("wasm", key): SHA-256(SHA-256("module") ++ "wasm" ++ 0x00 ++ key). */
function wasmModuleAddress(key: Uint8Array): Uint8Array {
  return sha256(MODULE_TYPE_HASH, te.encode('wasm'), Uint8Array.of(0), key).slice(0, CONTRACT_ADDRESS_LENGTH);
}

/** wasmd BuildContractAddressClassic: from the code id and the global instance sequence. */
export function classicContractAddress(codeId: bigint, instanceId: bigint): Uint8Array {
  return wasmModuleAddress(concatBytes(u64be(codeId), u64be(instanceId)));
}

function lengthPrefixed(b: Uint8Array): Uint8Array {
  return concatBytes(u64be(b.length), b);
}

/**
 * wasmd BuildContractAddressPredictable (instantiate2): from the code checksum, the creator's address bytes, the
 * salt and (only with fix_msg) the init message, each prefixed by its u64-BE length.
 */
export function predictableContractAddress(checksum: Uint8Array, creator: Uint8Array, salt: Uint8Array, initMsg: Uint8Array): Uint8Array {
  return wasmModuleAddress(concatBytes(lengthPrefixed(checksum), lengthPrefixed(creator), lengthPrefixed(salt), lengthPrefixed(initMsg)));
}
