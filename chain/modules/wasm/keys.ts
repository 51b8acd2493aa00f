import { u64be } from '../../store/buckets.js';
import { concatBytes } from '../../store/kv.js';

/** The wasm module's state, under one prefix byte; sub-prefixes follow wasmd's keeper layout. */
export const WASM_PREFIX = 0x03;

/** u64be(code id) -> CodeInfo */
export const CODE_INFO_PREFIX = Uint8Array.of(WASM_PREFIX, 0x01);
/** contract address bytes -> ContractInfo */
export const CONTRACT_INFO_PREFIX = Uint8Array.of(WASM_PREFIX, 0x02);
/** contract address bytes ++ contract key -> contract value */
export const CONTRACT_STORE_PREFIX = Uint8Array.of(WASM_PREFIX, 0x03);
/** sequence name -> u64be last used value */
export const SEQUENCE_PREFIX = Uint8Array.of(WASM_PREFIX, 0x04);
/** contract address bytes ++ u64be(position) -> ContractCodeHistoryEntry */
export const HISTORY_PREFIX = Uint8Array.of(WASM_PREFIX, 0x05);
/** u64be(code id) ++ u64be(height) ++ u64be(tx index) ++ address bytes -> empty (creation order) */
export const CONTRACTS_BY_CODE_PREFIX = Uint8Array.of(WASM_PREFIX, 0x06);
/** checksum -> original wasm bytes */
export const CODE_BYTES_PREFIX = Uint8Array.of(WASM_PREFIX, 0x07);
/** contract address bytes ++ collection keys (chain/modules/vector/contractCollections.ts) -> vector collections */
export const CONTRACT_VECTORS_PREFIX = Uint8Array.of(WASM_PREFIX, 0x08);

const te = new TextEncoder();

export const codeInfoKey = (codeId: bigint): Uint8Array => concatBytes(CODE_INFO_PREFIX, u64be(codeId));
export const contractInfoKey = (addr: Uint8Array): Uint8Array => concatBytes(CONTRACT_INFO_PREFIX, addr);
export const contractStorePrefix = (addr: Uint8Array): Uint8Array => concatBytes(CONTRACT_STORE_PREFIX, addr);
/** Apart from the contract's own store, so only the vector imports reach a contract's vectors. */
export const contractVectorsPrefix = (addr: Uint8Array): Uint8Array => concatBytes(CONTRACT_VECTORS_PREFIX, addr);
export const sequenceKey = (name: string): Uint8Array => concatBytes(SEQUENCE_PREFIX, te.encode(name));
export const historyPrefix = (addr: Uint8Array): Uint8Array => concatBytes(HISTORY_PREFIX, addr);
export const codeBytesKey = (checksum: Uint8Array): Uint8Array => concatBytes(CODE_BYTES_PREFIX, checksum);
export const contractsByCodePrefix = (codeId: bigint): Uint8Array => concatBytes(CONTRACTS_BY_CODE_PREFIX, u64be(codeId));
export const contractsByCodeKey = (codeId: bigint, height: bigint, txIndex: bigint, addr: Uint8Array): Uint8Array =>
  concatBytes(contractsByCodePrefix(codeId), u64be(height), u64be(txIndex), addr);
