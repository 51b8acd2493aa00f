export * from './keeper.js';
export * from './module.js';
export * from './genesis.js';
export { BANK_MODULE } from './msgServer.js';
