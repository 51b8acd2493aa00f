export * from './keeper.js';
export * from './module.js';
export * from './params.js';
export * from './genesis.js';
export { notFound } from './queries.js';
