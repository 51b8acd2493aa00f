import type { AppModule } from '../../app/module.js';
import type { MsgRouter } from '../../app/router.js';
import { precomputedEmbedding } from '../../app/txPrecompute.js';
import { EMBEDDING_TYPE_URL } from '../../vectorIndex/embeddingOption.js';
import { MAX_K } from '../../vectorIndex/vector.js';
import { carriedEmbedding, carriesEmbedding, txEmbedding } from './embedding.js';
import { defaultVectorGenesis, initVectorGenesis } from './genesis.js';
import { VectorKeeper } from './keeper.js';
import { vectorParamsToJson, type VectorParams } from './params.js';

export const VECTOR_MODULE = 'vector';
/** ABCI query path answering the params as JSON (what REST `/vivian/vector/v1/params` also serves). */
export const PARAMS_QUERY_PATH = '/vivian.vector.v1.Query/Params';
/** Names the default embedding's definition (chain/vectorIndex/embedding.ts); a new definition gets a new name. */
export const DEFAULT_EMBEDDING_NAME = 'vivian-feature-hash-v1';

/** The params as the API shows them. */
export function paramsView(p: VectorParams) {
  return {
    ...vectorParamsToJson(p),
    metric: 'dot',
    max_k: MAX_K,
    embedding_type_url: EMBEDDING_TYPE_URL,
    default_embedding: DEFAULT_EMBEDDING_NAME,
  };
}

/**
 * The vector module: the `dimension` param (from genesis), the check of a tx's embedding option before
 * its fee is charged, and the embedding of every tx that enters the ledger (carried, or the default).
 */
export function vectorModule(keeper = new VectorKeeper()): AppModule {
  let router: MsgRouter | undefined;
  const decodeOther = (m: { typeUrl: string; value: Uint8Array }) => (router?.has(m.typeUrl) ? router.decode(m).msg : undefined);
  return {
    name: VECTOR_MODULE,
    register(msgs, queries) {
      router = msgs;
      queries.register(PARAMS_QUERY_PATH, (ctx) => new TextEncoder().encode(JSON.stringify(paramsView(keeper.getParams(ctx.store)))));
    },
    initGenesis: (ctx, state) => initVectorGenesis(ctx, keeper, state),
    defaultGenesis: defaultVectorGenesis,
    checkTx(ctx, tx) {
      // only a tx that carries an option reads the params (and pays for the read)
      if (carriesEmbedding(tx)) carriedEmbedding(tx, keeper.getParams(ctx.store).dimension);
    },
    embedTx(store, tx) {
      if (!tx) return undefined;
      const dimension = keeper.getParams(store).dimension;
      // computed ahead by the node from the same bytes and dimension (chain/app/txPrecompute.ts), else here
      return precomputedEmbedding(tx.bytes, dimension) ?? txEmbedding(tx, dimension, decodeOther);
    },
    embeddingDimension: (store) => keeper.getParams(store).dimension,
  };
}
