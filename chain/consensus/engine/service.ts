/**
 * The consensus side of a node, built from its parts: the WAL-guarded signer and the engine, with the p2p
 * switch and its reactors around them (`BftService`) when the genesis has more than one validator or the
 * config names peers, or alone (`SoloService`: a validator by itself, e.g. `vivian dev`, with no p2p).
 */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { join } from 'node:path';
import type { Vote } from 'cosmjs-types/tendermint/types/types';
import { signEd25519 } from '../../crypto/ed25519.js';
import { sha256 } from '../../crypto/hash.js';
import type { VivianApp } from '../../app/application.js';
import type { GenesisDoc } from '../../app/genesis.js';
import type { Mempool } from '../../mempool/mempool.js';
import type { NodeConfig } from '../../node/config.js';
import type { EventBus } from '../../node/eventBus.js';
import type { Ed25519Key } from '../../node/home.js';
import { ConsensusReactor, MempoolReactor, channelSpecs } from '../../p2p/reactors.js';
import { PexReactor, pexChannelSpec } from '../../p2p/pex.js';
import { P2PSwitch, parsePeerAddress } from '../../p2p/switch.js';
import type { ChainReader } from '../../store/chainReader.js';
import { BlockStore } from '../blockStore.js';
import { isNilBlockId, nilBlockId } from '../types/blockId.js';
import { voteSignBytes } from '../types/canonical.js';
import { makeValidator, type Validator } from '../types/validator.js';
import { ConsensusWal } from '../wal/wal.js';
import { GuardedSigner } from '../wal/signer.js';
import { ConsensusEngine, LAN_TIMEOUTS, type EngineNetwork } from './engine.js';
import type { TimeoutParams } from '../rules/index.js';

export interface BftServiceParts {
  readonly app: VivianApp;
  readonly mempool: Mempool;
  readonly reader: ChainReader;
  readonly eventBus: EventBus;
  readonly genesis: GenesisDoc;
  readonly config: NodeConfig;
  readonly dataDir: string;
  /** where the p2p address book is kept across restarts; none: in memory only */
  readonly addrBookFile?: string;
  /** verifies a gossiped tx's signatures off the main thread before its CheckTx (never rejects) */
  readonly preVerifyTx?: (tx: Uint8Array) => Promise<void>;
  readonly validatorKey: Ed25519Key;
  readonly nodeKey: Ed25519Key;
  readonly log?: (line: string) => void;
  readonly timeouts?: Partial<TimeoutParams>;
}

/** True when a node talks to peers (p2p); otherwise it is a validator alone and listens on no p2p port. */
export function usesP2p(genesis: GenesisDoc, config: NodeConfig): boolean {
  return genesis.validators.length > 1 || config.persistent_peers.length > 0 || config.seeds.length > 0;
}

export function genesisValidators(genesis: GenesisDoc): Validator[] {
  return genesis.validators.map((v) => makeValidator(new Uint8Array(Buffer.from(v.pub_key.value, 'base64')), BigInt(v.power)));
}

/** The WAL-guarded signer (for a validator) and the engine over `network`. */
function openEngine(
  parts: BftServiceParts,
  network: EngineNetwork,
  o: { timeouts: TimeoutParams; waitForTxs: boolean },
): { engine: ConsensusEngine; wal: ConsensusWal | null } {
  const { app, config, genesis, validatorKey } = parts;
  const validators = genesisValidators(genesis);
  const isValidator = validators.some((v) => Buffer.from(v.address).equals(validatorKey.address));
  // A validator keeps a WAL whatever no_sync says: that flag trades durability of state, never signing safety.
  const wal = isValidator ? ConsensusWal.open(join(parts.dataDir, 'cs.wal', 'wal')) : null;
  const blockStore = new BlockStore();
  app.addParticipant(blockStore);
  const engine = new ConsensusEngine(
    {
      app,
      mempool: parts.mempool,
      blockStore,
      reader: parts.reader,
      eventBus: parts.eventBus,
      genesisValidators: validators,
      signer: wal ? new GuardedSigner(app.chainId, validatorKey.privateKey, wal) : null,
      validatorAddress: isValidator ? validatorKey.address : null,
      network,
      log: parts.log,
      ...(config.unsafe_double_sign && isValidator ? { conflictingVote: conflictingVoteSigner(app.chainId, validatorKey.privateKey) } : {}),
    },
    { timeouts: o.timeouts, genesisTimeMs: Date.parse(genesis.genesis_time), waitForTxs: o.waitForTxs },
  );
  if (config.unsafe_double_sign && isValidator) parts.log?.('consensus: unsafe_double_sign is on: this validator double-signs (test only)');
  return { engine, wal };
}

/** Nobody to talk to. */
const NO_PEERS: EngineNetwork = { broadcast: () => {}, send: () => {} };

/**
 * A validator alone: the same engine and WAL, no p2p. block_time_ms is the pause after each block; 0 = a
 * block as soon as txs are pending (and none while there are none).
 */
export class SoloService {
  readonly engine: ConsensusEngine;
  private readonly wal: ConsensusWal | null;

  constructor(parts: BftServiceParts) {
    const blockTime = parts.config.block_time_ms;
    ({ engine: this.engine, wal: this.wal } = openEngine(parts, NO_PEERS, {
      timeouts: { ...LAN_TIMEOUTS, commitMs: blockTime, ...parts.timeouts },
      waitForTxs: blockTime === 0,
    }));
  }

  start(): void {
    this.engine.start();
  }

  stop(): void {
    this.engine.stop();
    this.wal?.close();
  }
}

export class BftService {
  readonly p2p: P2PSwitch;
  readonly engine: ConsensusEngine;
  readonly pex: PexReactor;
  private readonly wal: ConsensusWal | null;
  private readonly mempoolReactor: MempoolReactor;
  private readonly blockedPeersFile: string;

  constructor(parts: BftServiceParts) {
    const { app, config } = parts;
    this.p2p = new P2PSwitch({
      identity: parts.nodeKey,
      network: app.chainId,
      listenHost: config.listen_address,
      listenPort: config.p2p_port,
      persistentPeers: config.persistent_peers,
      channels: [...channelSpecs(Number(app.params.block.max_bytes), 1024 * 1024), pexChannelSpec],
      maxPeers: config.max_peers,
      log: parts.log,
    });
    this.pex = new PexReactor(this.p2p, {
      seeds: config.seeds,
      seedMode: config.seed_mode,
      privatePeerIds: config.private_peer_ids,
      // known once the switch listens (p2p_port 0 = any free port); a wildcard listen address is not dialable
      selfAddress: () =>
        config.external_address !== ''
          ? parsePeerAddress(`${this.p2p.nodeId}@${config.external_address}`)
          : ['0.0.0.0', '::', ''].includes(config.listen_address)
            ? null
            : parsePeerAddress(`${this.p2p.nodeId}@${config.listen_address.includes(':') ? `[${config.listen_address}]` : config.listen_address}:${this.p2p.port}`),
      log: parts.log,
      ...(parts.addrBookFile !== undefined ? { bookFile: parts.addrBookFile } : {}),
    });
    const reactor = new ConsensusReactor(this.p2p);
    this.mempoolReactor = new MempoolReactor(this.p2p, parts.mempool, parts.preVerifyTx);
    ({ engine: this.engine, wal: this.wal } = openEngine(parts, reactor, {
      timeouts: { ...LAN_TIMEOUTS, ...(config.block_time_ms > 0 ? { commitMs: config.block_time_ms } : {}), ...parts.timeouts },
      waitForTxs: false,
    }));
    reactor.attach(this.engine);
    this.blockedPeersFile = config.unsafe_blocked_peers_file;
  }

  async start(): Promise<void> {
    await this.p2p.start();
    this.pex.start();
    if (this.blockedPeersFile !== '') this.watchBlockedPeers(this.blockedPeersFile);
    this.engine.start();
  }

  /** The unsafe_blocked_peers_file test hook: the switch drops traffic of the ids the file lists. */
  private watchBlockedPeers(path: string): void {
    const apply = () => {
      let ids: string[] = [];
      try {
        ids = readFileSync(path, 'utf8').split(/\s+/).filter((l) => l !== '');
      } catch {
        // no file: nobody blocked
      }
      this.p2p.setBlockedPeers(ids.map((id) => id.toLowerCase()));
    };
    apply();
    watchFile(path, { interval: 100 }, apply);
  }

  /** A tx this node accepted from a client goes to its peers. */
  gossipTx(tx: Uint8Array): void {
    this.mempoolReactor.gossip(tx);
  }

  async stop(): Promise<void> {
    if (this.blockedPeersFile !== '') unwatchFile(this.blockedPeersFile);
    this.engine.stop();
    this.mempoolReactor.stop();
    this.pex.stop();
    await this.p2p.stop();
    this.wal?.close();
  }
}

/**
 * The unsafe_double_sign test hook: for each vote, the same vote for another block (nil for a block, a
 * made-up block for nil), signed directly with the key — exactly what the WAL guard exists to prevent.
 */
function conflictingVoteSigner(chainId: string, privateKey: Uint8Array): (vote: Vote) => Vote {
  return (vote) => {
    const fake = sha256(Buffer.from(`conflicting ${vote.height}/${vote.round}/${vote.type}`));
    const blockId = isNilBlockId(vote.blockId) ? { hash: fake, partSetHeader: { total: 1, hash: sha256(fake) } } : nilBlockId();
    const unsigned = { ...vote, blockId, signature: new Uint8Array() };
    return { ...unsigned, signature: signEd25519(privateKey, voteSignBytes(chainId, unsigned)) };
  };
}
