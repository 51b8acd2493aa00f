import type { Context } from './context.js';
import type { MsgRouter, QueryRouter } from './router.js';

/** A chain module plugs in by registering its messages and queries and reading its genesis section. */
export interface AppModule {
  readonly name: string;
  register(msgs: MsgRouter, queries: QueryRouter): void;
  /** checks and applies the module's app_state section (absent = defaultGenesis()) */
  initGenesis(ctx: Context, state: unknown): void;
  defaultGenesis(): unknown;
}
