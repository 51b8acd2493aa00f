import type { FastifyInstance } from 'fastify';
import { ledgerTxJson, type LedgerTxJson, type RootsJson } from '../../../client/wire.js';
import type { Roots } from '../../../app/roots.js';
import type { VivianNode } from '../../../node/node.js';
import { ApiErrors } from '../../errors.js';
import { hexUpper, parseHex } from '../../encoding.js';
import { openObject, responses } from '../common.js';
import { LedgerProver } from './ledgerProver.js';

const BASE = '/vivian/ledger/v1';
/** Most txs one `txs?from=` page returns. */
export const MAX_TXS_PAGE = 100;

// Numbers arrive as strings so a negative or non-numeric one is a 400 naming it, not a silent coercion.
const UINT = { type: 'string', pattern: '^[0-9]{1,20}$' } as const;
const hexList = { type: 'array', items: { type: 'string' } } as const;

const rootsSchema = {
  type: 'object',
  properties: { height: { type: 'string' }, ledger_size: { type: 'string' }, ledger_root: { type: 'string' }, state_root: { type: 'string' }, app_hash: { type: 'string' } },
  required: ['height', 'ledger_size', 'ledger_root', 'state_root', 'app_hash'],
} as const;

const txSchema = {
  type: 'object',
  properties: {
    version: { type: 'string' },
    height: { type: 'string' },
    tx_hash: { type: 'string' },
    tx: { type: 'string' },
    result: {
      type: 'object',
      properties: {
        code: { type: 'integer' },
        codespace: { type: 'string' },
        log: { type: 'string' },
        gas_wanted: { type: 'string' },
        gas_used: { type: 'string' },
        events: { type: 'array', items: openObject },
      },
    },
    leaf_data: { type: 'string' },
    proof: {
      type: 'object',
      properties: { ledger_size: { type: 'string' }, root: { type: 'string' }, height: { type: 'string' }, path: hexList },
    },
  },
  required: ['version', 'height', 'tx_hash', 'tx', 'result', 'leaf_data'],
} as const;

const proveQuery = {
  type: 'object',
  properties: {
    prove: { type: 'boolean', description: 'add an RFC 9162 inclusion proof' },
    height: { ...UINT, description: 'prove against the ledger as of this block (default: the latest committed one)' },
  },
} as const;

export function rootsJson(height: bigint, r: Roots): RootsJson {
  return {
    height: height.toString(),
    ledger_size: r.ledgerSize.toString(),
    ledger_root: hexUpper(r.ledgerRoot),
    state_root: hexUpper(r.stateRoot),
    app_hash: hexUpper(r.appHash),
  };
}

function parseUint(text: string, what: string): bigint {
  const v = BigInt(text);
  if (v >= 1n << 64n) throw ApiErrors.InvalidParams(`${what} ${text} is not a uint64`);
  return v;
}

/** The latest committed height and its roots (one read of each, so size and root always belong together). */
function latestRoots(node: VivianNode): { height: bigint; roots: Roots } {
  const height = node.reader.latestHeight();
  const roots = node.reader.roots(height);
  if (!roots) throw ApiErrors.NotFound('the chain has no committed state yet');
  return { height, roots };
}

function rootsAt(node: VivianNode, height: bigint): Roots {
  const latest = node.reader.latestHeight();
  const roots = height <= latest ? node.reader.roots(height) : undefined;
  if (!roots) throw ApiErrors.NotFound(`no roots for height ${height} (committed heights end at ${latest})`);
  return roots;
}

/** The ledger as a vector: txs by version or hash (with RFC 9162 proofs), consistency proofs, roots per height. */
export function ledgerRoutes(f: FastifyInstance, node: VivianNode): void {
  const prover = new LedgerProver(node.db);

  /** A tx answer, with its inclusion proof in the ledger as of the end of block `proveHeight` when asked. */
  const answer = (version: bigint, q: { prove?: boolean; height?: string }): LedgerTxJson => {
    const { height: latest, roots: latestR } = latestRoots(node);
    if (version >= latestR.ledgerSize) {
      throw ApiErrors.NotFound(`ledger version ${version} does not exist yet (the ledger holds ${latestR.ledgerSize} txs, versions 0..${latestR.ledgerSize - 1n})`);
    }
    const t = node.reader.txByVersion(version);
    if (!t) throw ApiErrors.NotFound(`ledger version ${version}`);
    const out = ledgerTxJson(t);
    if (q.prove) {
      const height = q.height === undefined ? latest : parseUint(q.height, 'height');
      const roots = height === latest ? latestR : rootsAt(node, height);
      if (version >= roots.ledgerSize) {
        throw ApiErrors.InvalidParams(`version ${version} was not in the ledger at height ${height} (it held ${roots.ledgerSize} txs)`);
      }
      const path = prover.at(latestR.ledgerSize).inclusionProof(version, roots.ledgerSize);
      out.proof = { ledger_size: roots.ledgerSize.toString(), root: hexUpper(roots.ledgerRoot), height: height.toString(), path: path.map(hexUpper) };
    }
    return out;
  };

  f.get(`${BASE}/info`, {
    schema: { tags: ['ledger'], summary: 'Size and root of the ledger after the latest committed block', response: responses({ type: 'object', properties: { size: { type: 'string' }, root: { type: 'string' }, height: { type: 'string' } } }) },
  }, async () => {
    const { height, roots } = latestRoots(node);
    return { size: roots.ledgerSize.toString(), root: hexUpper(roots.ledgerRoot), height: height.toString() };
  });

  f.get(`${BASE}/txs/:version`, {
    schema: { tags: ['ledger'], summary: 'The tx at a ledger version (O(1)), optionally with an inclusion proof', params: { type: 'object', properties: { version: UINT }, required: ['version'] }, querystring: proveQuery, response: responses(txSchema) },
  }, async (req) => answer(parseUint((req.params as { version: string }).version, 'version'), req.query as { prove?: boolean; height?: string }));

  f.get(`${BASE}/txs/by-hash/:hash`, {
    schema: { tags: ['ledger'], summary: 'The tx with a hash (O(1)), optionally with an inclusion proof', params: { type: 'object', properties: { hash: { type: 'string', pattern: '^(0x)?[0-9a-fA-F]{64}$' } }, required: ['hash'] }, querystring: proveQuery, response: responses(txSchema) },
  }, async (req) => {
    const text = (req.params as { hash: string }).hash;
    const version = node.reader.versionByHash(parseHex(text)!);
    if (version === undefined) throw ApiErrors.NotFound(`no committed tx has hash ${text.toUpperCase()}`);
    return answer(version, req.query as { prove?: boolean; height?: string });
  });

  f.get(`${BASE}/txs`, {
    schema: {
      tags: ['ledger'],
      summary: `Consecutive versions from \`from\` (the vector read in order), at most ${MAX_TXS_PAGE}`,
      querystring: { type: 'object', properties: { from: UINT, limit: UINT }, required: ['from'] },
      response: responses({ type: 'object', properties: { txs: { type: 'array', items: txSchema }, next: { type: ['string', 'null'] }, size: { type: 'string' } } }),
    },
  }, async (req) => {
    const q = req.query as { from: string; limit?: string };
    const from = parseUint(q.from, 'from');
    const limit = q.limit === undefined ? 20n : parseUint(q.limit, 'limit');
    if (limit < 1n || limit > BigInt(MAX_TXS_PAGE)) throw ApiErrors.InvalidParams(`limit must be within 1..${MAX_TXS_PAGE}, got ${limit}`);
    const size = latestRoots(node).roots.ledgerSize;
    const end = from + limit < size ? from + limit : size;
    const txs: LedgerTxJson[] = [];
    for (let v = from; v < end; v++) txs.push(ledgerTxJson(node.reader.txByVersion(v)!));
    return { txs, next: end < size ? end.toString() : null, size: size.toString() };
  });

  f.get(`${BASE}/consistency`, {
    schema: {
      tags: ['ledger'],
      summary: 'RFC 9162 consistency proof between ledger sizes first and second (1 <= first <= second <= size)',
      querystring: { type: 'object', properties: { first: UINT, second: UINT }, required: ['first', 'second'] },
      response: responses({ type: 'object', properties: { first: { type: 'string' }, second: { type: 'string' }, first_root: { type: 'string' }, second_root: { type: 'string' }, path: hexList } }),
    },
  }, async (req) => {
    const q = req.query as { first: string; second: string };
    const first = parseUint(q.first, 'first');
    const second = parseUint(q.second, 'second');
    const size = latestRoots(node).roots.ledgerSize;
    if (first < 1n || first > second || second > size) {
      throw ApiErrors.InvalidParams(`need 1 <= first <= second <= ${size} (the ledger size), got first=${first} second=${second}`);
    }
    const acc = prover.at(size);
    return {
      first: first.toString(),
      second: second.toString(),
      first_root: hexUpper(acc.rootAt(first)),
      second_root: hexUpper(acc.rootAt(second)),
      path: acc.consistencyProof(first, second).map(hexUpper),
    };
  });

  f.get(`${BASE}/roots/:height`, {
    schema: { tags: ['ledger'], summary: 'What the app hash of header height+1 commits to', params: { type: 'object', properties: { height: UINT }, required: ['height'] }, response: responses(rootsSchema) },
  }, async (req) => {
    const height = parseUint((req.params as { height: string }).height, 'height');
    return rootsJson(height, rootsAt(node, height));
  });
}
