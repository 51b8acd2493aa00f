export * from './machine.js';
export * from './params.js';
export * from './quorum.js';
export * from './state.js';
export * from './validatorSets.js';
export * from './voteSet.js';
