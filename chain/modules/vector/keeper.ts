import type { KVReader, KVStore } from '../../store/kv.js';
import { PARAMS_KEY } from './keys.js';
import { DEFAULT_VECTOR_PARAMS, decodeVectorParams, encodeVectorParams, type VectorParams } from './params.js';

/** The only code that touches the vector module's part of the state. */
export class VectorKeeper {
  /** The params; a state without them (a chain from before this module) has the defaults. */
  getParams(store: KVReader): VectorParams {
    const b = store.get(PARAMS_KEY);
    return b ? decodeVectorParams(b) : { ...DEFAULT_VECTOR_PARAMS };
  }

  setParams(store: KVStore, p: VectorParams): void {
    store.set(PARAMS_KEY, encodeVectorParams(p));
  }
}
