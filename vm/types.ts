/** JSON shapes of the CosmWasm ABI (cosmwasm-std 2.x), as the VM passes and reads them. Amounts are strings. */

export interface Coin {
  denom: string;
  amount: string;
}

export interface Env {
  block: { height: number | string; time: string; chain_id: string };
  transaction: { index: number } | null;
  contract: { address: string };
}

export interface MessageInfo {
  sender: string;
  funds: Coin[];
}

export interface Attribute {
  key: string;
  value: string;
}

export interface Event {
  type: string;
  attributes: Attribute[];
}

export type ReplyOn = 'always' | 'error' | 'success' | 'never';

/** A CosmosMsg (bank, wasm, staking, custom, any...): kept as parsed JSON, the chain interprets it. */
export type CosmosMsg = Record<string, unknown>;

export interface SubMsg {
  id: number | string;
  payload?: string;
  msg: CosmosMsg;
  gas_limit: number | string | null;
  reply_on: ReplyOn;
}

export interface Response {
  messages: SubMsg[];
  attributes: Attribute[];
  events: Event[];
  data: string | null;
}

/** `{"ok": T}` or `{"error": "..."}` */
export type ContractResult<T> = { ok: T } | { error: string };

/** Query results are base64 Binary. */
export type QueryResult = ContractResult<string>;
