export * from './errors.js';
export * from './merkle.js';
export * from './accumulator.js';
export * from './proofs.js';
export * from './txInfo.js';
export * from './keys.js';
export { toUint64, type Uint64Input } from './uint64.js';
