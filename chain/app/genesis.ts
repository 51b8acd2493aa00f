import { SdkErrors } from '../types/sdkErrors.js';

/** Consensus parameters VIVIAN uses (the CometBFT ConsensusParams subset with its JSON names). */
export interface ConsensusParamsJson {
  block: { max_bytes: string; max_gas: string };
  evidence: { max_age_num_blocks: string; max_age_duration: string; max_bytes: string };
  validator: { pub_key_types: string[] };
  version: { app: string };
  abci: { vote_extensions_enable_height: string };
}

/** The genesis file, in CometBFT's genesis.json shape so tools that read one read ours. */
export interface GenesisDoc {
  genesis_time: string;
  chain_id: string;
  initial_height: string;
  consensus_params: ConsensusParamsJson;
  validators: Array<{ address: string; pub_key: { type: 'tendermint/PubKeyEd25519'; value: string }; power: string; name: string }>;
  app_hash: string;
  app_state: Record<string, unknown>;
}

export const DEFAULT_CONSENSUS_PARAMS: ConsensusParamsJson = {
  // 21 MiB and a gas cap that fits ~10k transfers: large enough for bursts, bounded so a block always executes in time
  block: { max_bytes: '22020096', max_gas: '1000000000' },
  evidence: { max_age_num_blocks: '100000', max_age_duration: '172800000000000', max_bytes: '1048576' },
  validator: { pub_key_types: ['ed25519'] },
  version: { app: '0' },
  abci: { vote_extensions_enable_height: '0' },
};

/** Checks the fields a node relies on before it starts (every refusal names the field). */
export function validateGenesis(doc: GenesisDoc): void {
  if (typeof doc.chain_id !== 'string' || !/^[a-zA-Z0-9_.-]{1,50}$/.test(doc.chain_id)) {
    throw SdkErrors.InvalidChainId(`genesis chain_id ${JSON.stringify(doc.chain_id)} must be 1-50 characters of [a-zA-Z0-9_.-]`);
  }
  if (!/^[0-9]+$/.test(doc.initial_height ?? '') || BigInt(doc.initial_height) < 1n) {
    throw SdkErrors.InvalidHeight(`genesis initial_height ${JSON.stringify(doc.initial_height)} must be a positive integer`);
  }
  if (Number.isNaN(Date.parse(doc.genesis_time))) throw SdkErrors.InvalidRequest(`genesis_time ${JSON.stringify(doc.genesis_time)} is not a time`);
  if (!doc.app_state || typeof doc.app_state !== 'object') throw SdkErrors.InvalidRequest('genesis app_state must be an object');
  const maxGas = BigInt(doc.consensus_params?.block?.max_gas ?? 'x');
  const maxBytes = BigInt(doc.consensus_params?.block?.max_bytes ?? 'x');
  if (maxBytes <= 0n || maxGas < -1n || maxGas === 0n) throw SdkErrors.InvalidRequest('consensus_params.block max_bytes must be > 0 and max_gas -1 or > 0');
}
