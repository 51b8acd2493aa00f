import type { FastifyInstance } from 'fastify';
import { Block } from 'cosmjs-types/tendermint/types/block';
import { BlockID } from 'cosmjs-types/tendermint/types/types';
import { APP_VERSION } from '../../app/application.js';
import { BLOCK_PROTOCOL } from '../../consensus/block.js';
import { toBech32Address, VALIDATOR_CONSENSUS_PREFIX } from '../../crypto/addresses.js';
import type { VivianNode } from '../../node/node.js';
import { nodeInfoOther } from '../../node/config.js';
import { ApiErrors } from '../errors.js';
import { base64 } from '../encoding.js';
import { COMET_VERSION } from '../rpc/methods.js';
import { openObject, pageResponseSchema, responses } from './common.js';
import { gatewayJson } from './protoJson.js';

const CHANNELS = Buffer.from('40202122233038606100', 'hex').toString('base64');
const blockResponse = responses({ type: 'object', properties: { block_id: openObject, block: openObject, sdk_block: openObject } });

function blockAnswer(node: VivianNode, height: bigint) {
  const block = node.reader.block(height);
  const commit = node.reader.seenCommit(height);
  if (!block) throw ApiErrors.NotFound(`block ${height} is not available (the latest height is ${node.reader.latestHeight()})`);
  const blockJson = gatewayJson(Block, block);
  const sdkBlock = { ...blockJson, header: { ...blockJson.header, proposer_address: toBech32Address(block.header!.proposerAddress, VALIDATOR_CONSENSUS_PREFIX) } };
  return { block_id: gatewayJson(BlockID, commit?.blockId ?? BlockID.fromPartial({})), block: blockJson, sdk_block: sdkBlock };
}

function validatorSetAnswer(node: VivianNode, height: bigint) {
  const vals = node.validators.validators;
  return {
    block_height: height.toString(),
    validators: vals.map((v) => ({
      address: toBech32Address(v.address, VALIDATOR_CONSENSUS_PREFIX),
      pub_key: { '@type': '/cosmos.crypto.ed25519.PubKey', key: base64(v.pubKey) },
      voting_power: v.votingPower.toString(),
      proposer_priority: v.proposerPriority.toString(),
    })),
    pagination: { next_key: null, total: String(vals.length) },
  };
}

const heightParams = { type: 'object', properties: { height: { type: 'string', pattern: '^[0-9]{1,19}$' } }, required: ['height'] } as const;

function checkedHeight(node: VivianNode, text: string): bigint {
  const h = BigInt(text);
  const latest = node.reader.latestHeight();
  if (h < 1n) throw ApiErrors.InvalidParams(`height must be at least 1, got ${h}`);
  if (h > latest) throw ApiErrors.InvalidParams(`requested block height ${h} is bigger than the chain length ${latest}`);
  return h;
}

/** cosmos.base.tendermint.v1beta1.Service: node info, syncing, blocks, validator sets. */
export function tendermintRoutes(f: FastifyInstance, node: VivianNode): void {
  const base = '/cosmos/base/tendermint/v1beta1';
  f.get(`${base}/node_info`, { schema: { tags: ['tendermint'], summary: 'Node and application versions', response: responses({ type: 'object', properties: { default_node_info: openObject, application_version: openObject } }) } }, async () => ({
    default_node_info: {
      protocol_version: { p2p: '8', block: BLOCK_PROTOCOL.toString(), app: String(node.app.params.version.app) },
      default_node_id: Buffer.from(node.nodeKey.address).toString('hex'),
      listen_addr: `tcp://${node.config.listen_address}:${node.config.p2p_port}`,
      network: node.chainId,
      version: COMET_VERSION,
      channels: CHANNELS,
      moniker: node.config.moniker,
      other: nodeInfoOther(node.config),
    },
    application_version: { name: 'vivian', app_name: 'vivian', version: APP_VERSION, git_commit: '', build_tags: '', go_version: '', build_deps: [], cosmos_sdk_version: '' },
  }));

  f.get(`${base}/syncing`, { schema: { tags: ['tendermint'], summary: 'Whether the node is catching up', response: responses({ type: 'object', properties: { syncing: { type: 'boolean' } } }) } }, async () => ({ syncing: false }));

  f.get(`${base}/blocks/latest`, { schema: { tags: ['tendermint'], summary: 'The latest block', response: blockResponse } }, async () => {
    const h = node.reader.latestHeight();
    if (h < node.reader.initialHeight()) throw ApiErrors.NotFound('no block has been committed yet');
    return blockAnswer(node, h);
  });

  f.get(`${base}/blocks/:height`, { schema: { tags: ['tendermint'], summary: 'A block by height', params: heightParams, response: blockResponse } }, async (req) =>
    blockAnswer(node, checkedHeight(node, (req.params as { height: string }).height)),
  );

  const vsResponse = responses({ type: 'object', properties: { block_height: { type: 'string' }, validators: { type: 'array', items: openObject }, pagination: pageResponseSchema } });
  f.get(`${base}/validatorsets/latest`, { schema: { tags: ['tendermint'], summary: 'The latest validator set', response: vsResponse } }, async () => validatorSetAnswer(node, node.reader.latestHeight()));
  f.get(`${base}/validatorsets/:height`, { schema: { tags: ['tendermint'], summary: 'The validator set at a height', params: heightParams, response: vsResponse } }, async (req) =>
    validatorSetAnswer(node, checkedHeight(node, (req.params as { height: string }).height)),
  );
}
