import type { FastifyInstance } from 'fastify';
import { TxBody, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { LedgerProver, paramsView, VectorKeeper, type TxSearchRequest, type TxVectorIndex } from '../../../modules/vector/index.js';
import { IndexerErrors } from '../../../indexer/errors.js';
import type { VivianNode } from '../../../node/node.js';
import { Bucket } from '../../../store/buckets.js';
import { VivianError } from '../../../types/errors.js';
import { textEmbedding } from '../../../vectorIndex/embedding.js';
import { VECTOR_CODESPACE } from '../../../vectorIndex/errors.js';
import { toVector, vectorBytes, type Vector } from '../../../vectorIndex/vector.js';
import type { Hit } from '../../../vectorIndex/topk.js';
import { ApiErrors } from '../../errors.js';
import { base64, hexUpper, parseBase64 } from '../../encoding.js';
import { responses } from '../common.js';

/** What the vector routes need of a node. */
export type VectorApiNode = Pick<VivianNode, 'db' | 'reader' | 'vectors'>;

const HEIGHT = { anyOf: [{ type: 'string' }, { type: 'integer' }], description: 'block height (decimal string or integer)' } as const;
const BODY_FIELDS = ['vector', 'text', 'k', 'filter', 'exact', 'prove'];
const FILTER_FIELDS = ['min_height', 'max_height', 'sender', 'msg_type'];
const K = { type: 'integer', minimum: 1, maximum: 1000, default: 10 } as const;

const searchBody = {
  type: 'object',
  properties: {
    vector: {
      description: 'the query embedding: base64 of `dimension` int8 bytes, or a list of `dimension` integers in -128..127',
      anyOf: [{ type: 'string', maxLength: 8192 }, { type: 'array', maxItems: 4096, items: {} }],
    },
    text: { type: 'string', minLength: 1, maxLength: 10_000, description: 'free text, embedded with the default embedding (as a memo)' },
    k: K,
    filter: {
      type: 'object',
      properties: {
        min_height: HEIGHT,
        max_height: HEIGHT,
        sender: { type: 'string', minLength: 1, maxLength: 128, description: "the tx's first signer (fee payer)" },
        msg_type: { type: 'string', minLength: 1, maxLength: 256, description: 'a message type URL the tx contains' },
      },
    },
    exact: { type: 'boolean', default: false, description: 'scan every vector instead of walking the HNSW graph' },
    prove: { type: 'boolean', default: false, description: 'add ledger inclusion proofs' },
  },
} as const;

const resultSchema = {
  type: 'object',
  properties: {
    version: { type: 'string' },
    score: { type: 'integer' },
    tx_hash: { type: 'string' },
    height: { type: 'string' },
    memo: { type: 'string' },
    proof: {
      type: 'object',
      properties: {
        leaf_data: { type: 'string', description: 'TxInfo bytes (base64): leaf hash = SHA-256(0x00 ‖ leaf_data)' },
        path: { type: 'array', items: { type: 'string' }, description: 'RFC 9162 audit path (hex), leaf index = version' },
        embedding: { type: 'string', description: "the tx's int8 embedding (base64); its SHA-256 is the leaf's embedding hash" },
      },
    },
  },
  required: ['version', 'score', 'tx_hash', 'height', 'memo'],
} as const;

const searchResponse = {
  type: 'object',
  properties: {
    results: { type: 'array', items: resultSchema },
    ledger: {
      type: 'object',
      description: 'what the proofs prove against: app_hash = SHA-256(state_root ‖ ledger_root ‖ uint64be(ledger_size)), in the header of height+1',
      properties: {
        height: { type: 'string' },
        ledger_size: { type: 'string' },
        ledger_root: { type: 'string' },
        state_root: { type: 'string' },
        app_hash: { type: 'string' },
      },
    },
  },
  required: ['results'],
} as const;

interface SearchBody {
  vector?: string | unknown[];
  text?: string;
  k: number;
  filter?: { min_height?: string | number; max_height?: string | number; sender?: string; msg_type?: string };
  exact: boolean;
  prove: boolean;
}

/** Vector errors (wrong dimension, bad components, k) are the caller's: 400 with the message. */
function badInput(e: unknown): unknown {
  // same kind as ApiErrors.InvalidParams, keeping the message as it is
  return e instanceof VivianError && e.codespace === VECTOR_CODESPACE ? new VivianError(ApiErrors.InvalidParams.codespace, ApiErrors.InvalidParams.code, e.message) : e;
}

function asBadInput<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw badInput(e);
  }
}

/** The node's vector index, unless it runs without one (tx_index "null"). */
function vectorIndex(node: VectorApiNode): TxVectorIndex {
  if (node.vectors === null) {
    throw IndexerErrors.Disabled('vector search is disabled on this node (config tx_index = "null"); search on a node that indexes txs');
  }
  return node.vectors;
}

/** The index's answer (its worker may make it wait; a full queue of searches is a 503). */
async function searchIndex(node: VectorApiNode, request: TxSearchRequest): Promise<Hit[]> {
  const index = vectorIndex(node);
  try {
    return await index.search(request);
  } catch (e) {
    throw badInput(e);
  }
}

function height(v: string | number | undefined, field: string): bigint | undefined {
  if (v === undefined) return undefined;
  const s = String(v);
  if (!/^[0-9]{1,19}$/.test(s)) throw ApiErrors.InvalidParams(`filter.${field} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return BigInt(s);
}

/** Unknown fields are refused by name (a misspelt filter must not silently match everything). */
function checkFields(obj: object, allowed: string[], where: string): void {
  const unknown = Object.keys(obj).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw ApiErrors.InvalidParams(`unknown field ${where}${unknown[0]}; allowed: ${allowed.join(', ')}`);
}

function queryVector(body: SearchBody, dimension: number): Vector {
  if ((body.vector === undefined) === (body.text === undefined)) throw ApiErrors.InvalidParams('give exactly one of vector and text');
  if (body.text !== undefined) return textEmbedding(body.text, dimension);
  const v = body.vector!;
  if (typeof v === 'string') {
    const bytes = parseBase64(v);
    if (!bytes) throw ApiErrors.InvalidParams('vector must be base64 (standard alphabet, padded) of int8 bytes, or a list of integers');
    return asBadInput(() => toVector(bytes, dimension));
  }
  return asBadInput(() => toVector(v, dimension));
}

/** REST routes of the vector index: params, search by vector or text, and "similar to this tx". */
export function vectorRoutes(f: FastifyInstance, node: VectorApiNode): void {
  const keeper = new VectorKeeper();
  const state = node.db.bucketReader(Bucket.State);

  f.get(
    '/vivian/vector/v1/params',
    {
      schema: {
        description: "the embedding dimension fixed at genesis, the metric and limits, and the state of this node's index (vectors and last_version as its worker thread last reported)",
        response: responses({ type: 'object', additionalProperties: true, properties: { dimension: { type: 'integer' } } }),
      },
    },
    async () => ({
      ...paramsView(keeper.getParams(state)),
      // null: this node keeps no index (tx_index "null")
      index: node.vectors && { vectors: node.vectors.size, last_version: String(node.vectors.lastVersion), committed_size: String(node.vectors.committedSize()) },
    }),
  );

  f.post<{ Body: SearchBody }>(
    '/vivian/vector/v1/search',
    { schema: { description: 'committed txs most similar to a vector or a text, best first', body: searchBody, response: responses(searchResponse) } },
    async (req) => {
      const body = req.body;
      checkFields(body, BODY_FIELDS, '');
      if (body.filter) checkFields(body.filter, FILTER_FIELDS, 'filter.');
      const vector = queryVector(body, vectorIndex(node).dimension);
      const request: TxSearchRequest = {
        vector,
        k: body.k,
        exact: body.exact,
        minHeight: height(body.filter?.min_height, 'min_height'),
        maxHeight: height(body.filter?.max_height, 'max_height'),
        sender: body.filter?.sender,
        msgType: body.filter?.msg_type,
      };
      return answer(node, await searchIndex(node, request), body.prove);
    },
  );

  f.get<{ Params: { version: string }; Querystring: { k: number; exact: boolean; prove: boolean } }>(
    '/vivian/vector/v1/txs/:version/similar',
    {
      schema: {
        description: 'committed txs most similar to the tx at a ledger version (itself left out)',
        params: { type: 'object', properties: { version: { type: 'string', pattern: '^[0-9]{1,15}$' } }, required: ['version'] },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { k: K, exact: { type: 'boolean', default: false }, prove: { type: 'boolean', default: false } },
        },
        response: responses(searchResponse),
      },
    },
    async (req) => {
      const index = vectorIndex(node);
      const version = Number(req.params.version);
      const vector = version < index.committedSize() ? index.storedVector(version) : undefined;
      if (!vector) {
        throw ApiErrors.NotFound(`ledger version ${version} has no embedding (the ledger has ${index.committedSize()} txs)`);
      }
      return answer(node, await searchIndex(node, { vector, k: req.query.k, exact: req.query.exact, exclude: version }), req.query.prove);
    },
  );
}

/**
 * Results with their txs' hash, height and memo, and the proofs when asked; all read in one synchronous pass
 * (hits are committed versions, so a block committed while the search waited changes none of them).
 */
function answer(node: VectorApiNode, hits: Hit[], prove: boolean) {
  const prover = prove ? LedgerProver.latest(node.db, node.reader.latestHeight()) : undefined;
  const results = hits.map((h) => {
    const t = node.reader.txByVersion(BigInt(h.id));
    if (!t) throw ApiErrors.NotFound(`ledger version ${h.id}`); // the index only holds committed versions
    const out: Record<string, unknown> = { version: String(h.id), score: h.score, tx_hash: hexUpper(t.hash), height: t.height.toString(), memo: memoOf(t.tx) };
    if (prover) {
      out.proof = {
        leaf_data: base64(t.leafData),
        path: prover.inclusionPath(t.version).map((p) => hexUpper(p)),
        embedding: base64(vectorBytes(vectorIndex(node).storedVector(t.version) ?? new Int8Array())),
      };
    }
    return out;
  });
  if (!prover) return { results };
  const r = prover.roots;
  return {
    results,
    ledger: {
      height: prover.height.toString(),
      ledger_size: r.ledgerSize.toString(),
      ledger_root: hexUpper(r.ledgerRoot),
      state_root: hexUpper(r.stateRoot),
      app_hash: hexUpper(r.appHash),
    },
  };
}

function memoOf(txBytes: Uint8Array): string {
  try {
    return TxBody.decode(TxRaw.decode(txBytes).bodyBytes).memo;
  } catch {
    return '';
  }
}
