/** Round timeouts. Each grows linearly with the round so that after GST every round eventually lasts long enough. */
export interface TimeoutParams {
  readonly proposeMs: number;
  readonly proposeDeltaMs: number;
  readonly prevoteMs: number;
  readonly prevoteDeltaMs: number;
  readonly precommitMs: number;
  readonly precommitDeltaMs: number;
  /** Wait after a commit before the next height, gathering late precommits (used by the engine). */
  readonly commitMs: number;
}

/** CometBFT 0.38's defaults. */
export const DEFAULT_TIMEOUT_PARAMS: TimeoutParams = Object.freeze({
  proposeMs: 3000,
  proposeDeltaMs: 500,
  prevoteMs: 1000,
  prevoteDeltaMs: 500,
  precommitMs: 1000,
  precommitDeltaMs: 500,
  commitMs: 1000,
});

export type TimeoutStep = 'propose' | 'prevote' | 'precommit';

/** base + round × delta, in whole milliseconds. */
export function timeoutDuration(params: TimeoutParams, step: TimeoutStep, round: number): number {
  switch (step) {
    case 'propose':
      return params.proposeMs + round * params.proposeDeltaMs;
    case 'prevote':
      return params.prevoteMs + round * params.prevoteDeltaMs;
    case 'precommit':
      return params.precommitMs + round * params.precommitDeltaMs;
  }
}
