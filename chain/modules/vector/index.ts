export * from './params.js';
export * from './keeper.js';
export * from './genesis.js';
export * from './features.js';
export * from './embedding.js';
export * from './module.js';
export * from './txIndex.js';
export * from './proofs.js';
