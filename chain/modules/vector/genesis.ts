import type { Context } from '../../app/context.js';
import { ErrInvalidParams } from '../../vectorIndex/errors.js';
import type { VectorKeeper } from './keeper.js';
import { DEFAULT_VECTOR_PARAMS, vectorParamsFromJson, vectorParamsToJson } from './params.js';

/** app_state.vector: `{params: {dimension}}`; absent = dimension 256. */
export interface VectorGenesis {
  params?: { dimension?: number | string };
}

export function defaultVectorGenesis(): VectorGenesis {
  return { params: vectorParamsToJson(DEFAULT_VECTOR_PARAMS) };
}

export function initVectorGenesis(ctx: Context, keeper: VectorKeeper, state: unknown): void {
  if (state !== undefined && (state === null || typeof state !== 'object' || Array.isArray(state))) {
    throw ErrInvalidParams('genesis app_state.vector must be an object');
  }
  keeper.setParams(ctx.store, vectorParamsFromJson((state as VectorGenesis | undefined)?.params));
}
