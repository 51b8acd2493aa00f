import { EventEmitter } from 'node:events';
import type { Block } from 'cosmjs-types/tendermint/types/block';
import type { BlockID } from 'cosmjs-types/tendermint/types/types';
import type { ResponseFinalizeBlock } from 'cosmjs-types/tendermint/abci/types';
import type { StoredTx } from '../store/chainReader.js';

export interface NewBlockEvent {
  block: Block;
  blockId: BlockID;
  finalize: ResponseFinalizeBlock;
}

/** Published after a block is durable: what websocket subscribers and waiting broadcast_tx_commit calls hear. */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publishBlock(e: NewBlockEvent, txs: StoredTx[]): void {
    this.emitter.emit('NewBlock', e, txs);
    for (const tx of txs) this.emitter.emit('Tx', tx);
  }

  /** `txs`: the block's committed txs with their results (what NewBlock's result_finalize_block lists) */
  onBlock(fn: (e: NewBlockEvent, txs: readonly StoredTx[]) => void): () => void {
    this.emitter.on('NewBlock', fn);
    return () => this.emitter.off('NewBlock', fn);
  }

  onTx(fn: (tx: StoredTx) => void): () => void {
    this.emitter.on('Tx', fn);
    return () => this.emitter.off('Tx', fn);
  }
}
