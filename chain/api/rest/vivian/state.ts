import type { FastifyInstance } from 'fastify';
import { stateProofOps } from '../../../client/stateProofOps.js';
import type { StateProofJson } from '../../../client/wire.js';
import type { VivianNode } from '../../../node/node.js';
import { encodeProof } from '../../../store/stateTree/index.js';
import { ApiErrors } from '../../errors.js';
import { base64, base64OrNull, hexUpper, parseHex } from '../../encoding.js';
import { openObject, responses } from '../common.js';
import { rootsJson } from './ledger.js';

/** Most bytes of a state key accepted (keys are module prefixes plus addresses or names). */
const MAX_KEY_BYTES = 1024;

/** The JSON of a state proof (also what `vivian verify state` reads). */
export function stateProofJson(node: VivianNode, key: Uint8Array, height?: bigint): StateProofJson {
  const p = node.app.stateProof(key, height);
  const ops = stateProofOps(key, p.proof, p.roots);
  return {
    height: p.height.toString(),
    key: hexUpper(key),
    exists: p.value !== undefined,
    value: p.value === undefined ? null : base64(p.value),
    proof: base64(encodeProof(p.proof)),
    roots: rootsJson(p.height, p.roots),
    proof_ops: { ops: ops.ops.map((o) => ({ type: o.type, key: base64(o.key), data: base64OrNull(o.data) ?? '' })) },
  };
}

/** State proofs: a key's value (or its absence) after a block, proven against that block's state root. */
export function stateRoutes(f: FastifyInstance, node: VivianNode): void {
  f.get('/vivian/state/v1/proof', {
    schema: {
      tags: ['state'],
      summary: 'Existence or non-existence proof of a state key against the state root at a height (app hash of header height+1)',
      querystring: {
        type: 'object',
        properties: {
          key: { type: 'string', pattern: '^(0x)?([0-9a-fA-F]{2})*$', maxLength: 2 + 2 * MAX_KEY_BYTES, description: 'the raw state key, hex' },
          height: { type: 'string', pattern: '^[0-9]{1,20}$', description: 'default: the latest committed height' },
        },
        required: ['key'],
      },
      response: responses({
        type: 'object',
        properties: {
          height: { type: 'string' },
          key: { type: 'string' },
          exists: { type: 'boolean' },
          value: { type: ['string', 'null'] },
          proof: { type: 'string' },
          roots: openObject,
          proof_ops: openObject,
        },
      }),
    },
  }, async (req) => {
    const q = req.query as { key: string; height?: string };
    const height = q.height === undefined ? undefined : BigInt(q.height);
    const latest = node.reader.latestHeight();
    if (height !== undefined && height > latest) throw ApiErrors.InvalidParams(`height ${height} is above the latest committed height ${latest}`);
    return stateProofJson(node, parseHex(q.key)!, height);
  });
}
