/**
 * The pure rules of Tendermint consensus. How an engine drives them, per height:
 *   let { state, actions } = startHeight({ height, validators: sets.current, self, params, lastBlockTime });
 *   on every input: ({ state, actions } = step(state, event)), then carry out `actions` in order:
 *     broadcastProposal / broadcastVote -> stamp time and validator (makeProposal / makeVote), write the
 *       WAL and fsync, sign the canonical sign bytes, send, and feed the signed message back as an event;
 *     scheduleTimeout -> a timer that later delivers the timeout event;
 *     requestValue -> PrepareProposal, answer with proposalValue; validateBlock -> ProcessProposal, answer
 *       with blockValidity;
 *     decide -> FinalizeBlock + Commit, sets = advanceValidatorSets(sets, updates), then startHeight again
 *       (after params.commitMs; commitFor(state) then includes late precommits);
 *     evidence -> evidence pool.
 * Before a message becomes an event the engine checks its signature: voteValidator(chainId, vote,
 * state.validators, verify), verifyProposal(chainId, proposal, proposerFor(state, round), verify),
 * verifyCommit for a commit from a peer. Messages of other heights are ignored: buffer the next height's.
 */
export * from './machine.js';
export * from './params.js';
export * from './quorum.js';
export * from './state.js';
export * from './validatorSets.js';
export * from './voteSet.js';
