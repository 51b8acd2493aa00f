import type { DecodedTx } from '../codec/tx.js';
import type { KVReader } from '../store/kv.js';
import type { Context } from './context.js';
import type { MsgRouter, QueryRouter } from './router.js';

/** A chain module plugs in by registering its messages and queries and reading its genesis section. */
export interface AppModule {
  readonly name: string;
  register(msgs: MsgRouter, queries: QueryRouter): void;
  /** checks and applies the module's app_state section (absent = defaultGenesis()) */
  initGenesis(ctx: Context, state: unknown): void;
  defaultGenesis(): unknown;
  /**
   * Checks a decoded tx before its fee is charged (CheckTx, DeliverTx and simulate alike), e.g. the
   * extension options a module owns; throwing refuses the tx as an ante failure would.
   */
  checkTx?(ctx: Context, tx: DecodedTx): void;
  /**
   * The embedding of a tx going into the ledger (`tx` is undefined when its bytes did not decode), or
   * undefined for none. Consensus data: its hash is in the TxInfo leaf. At most one module gives it.
   */
  embedTx?(store: KVReader, tx: DecodedTx | undefined): Int8Array | undefined;
  /** The dimension embedTx uses in this state: lets the node compute embeddings ahead, off the main thread. */
  embeddingDimension?(store: KVReader): number;
}
