export { classicContractAddress, predictableContractAddress, CONTRACT_ADDRESS_LENGTH } from './address.js';
export { WasmErrors } from './errors.js';
export { DEFAULT_WASM_CONFIG, WASM_CAPABILITIES, WASM_GAS, WasmKeeper, addressApi, checkJsonMsg, type WasmConfig, type WasmExec } from './keeper.js';
export { WASM_PREFIX } from './keys.js';
export { wasmModule } from './module.js';
export { registerWasmMsgs, WASM_MODULE } from './msgServer.js';
export { registerWasmQueries } from './queries.js';
