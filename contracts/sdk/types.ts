// The cosmwasm-std types a contract receives and returns, with their JSON forms.
import { toBase64, fromBase64 } from './base64';
import { JsonValue, JsonWriter, quote } from './json';
import { Uint128 } from './uint128';

/** JSON string member `key`, or '' when absent or not a string. */
export function str(v: JsonValue | null, key: string): string {
  if (v === null) return '';
  const m = v.get(key);
  return m !== null && (m.kind == 3 /* String */ || m.kind == 2 /* Number */) ? m.text : '';
}

export class Coin {
  constructor(public denom: string, public amount: Uint128) {}

  static fromJson(v: JsonValue): Coin | null {
    const denom = v.get('denom');
    const amount = v.get('amount');
    if (denom === null || amount === null || !denom.isString() || !amount.isString()) return null;
    const a = Uint128.parse(amount.text);
    if (a === null) return null;
    return new Coin(denom.text, a);
  }

  write(w: JsonWriter): void {
    w.beginObject().key('denom').string(this.denom).key('amount').string(this.amount.toString()).endObject();
  }
}

export function writeCoins(w: JsonWriter, coins: Coin[]): void {
  w.beginArray();
  for (let i = 0; i < coins.length; i++) coins[i].write(w);
  w.endArray();
}

export class BlockInfo {
  height: u64 = 0;
  /** nanoseconds since the Unix epoch */
  timeNanos: u64 = 0;
  chainId: string = '';
}

export class Env {
  block: BlockInfo = new BlockInfo();
  contractAddress: string = '';
  /** index of the tx in the block, -1 when the call is not part of a tx (queries) */
  txIndex: i32 = -1;

  static fromJson(v: JsonValue): Env {
    const e = new Env();
    const block = v.get('block');
    if (block !== null) {
      e.block.height = U64.parseInt(str(block, 'height'));
      e.block.timeNanos = U64.parseInt(str(block, 'time'));
      e.block.chainId = str(block, 'chain_id');
    }
    e.contractAddress = str(v.get('contract'), 'address');
    const tx = v.get('transaction');
    if (tx !== null && tx.isObject()) e.txIndex = I32.parseInt(str(tx, 'index'));
    return e;
  }
}

export class MessageInfo {
  sender: string = '';
  funds: Coin[] = [];

  static fromJson(v: JsonValue): MessageInfo {
    const info = new MessageInfo();
    info.sender = str(v, 'sender');
    const funds = v.get('funds');
    if (funds !== null) {
      for (let i = 0; i < funds.items.length; i++) {
        const c = Coin.fromJson(funds.items[i]);
        if (c !== null) info.funds.push(c);
      }
    }
    return info;
  }

  /** The amount of `denom` sent with the call (zero when none). */
  fundsOf(denom: string): Uint128 {
    for (let i = 0; i < this.funds.length; i++) if (this.funds[i].denom == denom) return this.funds[i].amount;
    return Uint128.zero();
  }
}

export class Attribute {
  constructor(public key: string, public value: string) {}
}

export class Event {
  attributes: Attribute[] = [];
  constructor(public type: string) {}
  add(key: string, value: string): Event {
    this.attributes.push(new Attribute(key, value));
    return this;
  }
}

function writeAttributes(w: JsonWriter, attrs: Attribute[]): void {
  w.beginArray();
  for (let i = 0; i < attrs.length; i++) w.beginObject().key('key').string(attrs[i].key).key('value').string(attrs[i].value).endObject();
  w.endArray();
}

/** A message the contract returns for the chain to run after the call (CosmosMsg). */
export abstract class CosmosMsg {
  abstract write(w: JsonWriter): void;
}

export class BankMsg extends CosmosMsg {
  private constructor(private kind: string, private to: string, private amount: Coin[]) { super(); }

  static send(toAddress: string, amount: Coin[]): BankMsg { return new BankMsg('send', toAddress, amount); }
  static burn(amount: Coin[]): BankMsg { return new BankMsg('burn', '', amount); }

  write(w: JsonWriter): void {
    w.beginObject().key('bank').beginObject().key(this.kind).beginObject();
    if (this.kind == 'send') w.key('to_address').string(this.to);
    w.key('amount');
    writeCoins(w, this.amount);
    w.endObject().endObject().endObject();
  }
}

export class WasmMsg extends CosmosMsg {
  private constructor(
    private kind: string,
    private contract: string,
    private msgJson: string,
    private funds: Coin[],
    private codeId: u64,
    private label: string,
    private admin: string,
  ) { super(); }

  /** Executes `contract` with the JSON message `msgJson`. */
  static execute(contract: string, msgJson: string, funds: Coin[] = []): WasmMsg {
    return new WasmMsg('execute', contract, msgJson, funds, 0, '', '');
  }
  /** Instantiates code `codeId`; `admin` '' for none. */
  static instantiate(codeId: u64, msgJson: string, funds: Coin[], label: string, admin: string = ''): WasmMsg {
    return new WasmMsg('instantiate', '', msgJson, funds, codeId, label, admin);
  }
  static migrate(contract: string, newCodeId: u64, msgJson: string): WasmMsg {
    return new WasmMsg('migrate', contract, msgJson, [], newCodeId, '', '');
  }
  static updateAdmin(contract: string, admin: string): WasmMsg {
    return new WasmMsg('update_admin', contract, '', [], 0, '', admin);
  }
  static clearAdmin(contract: string): WasmMsg {
    return new WasmMsg('clear_admin', contract, '', [], 0, '', '');
  }

  write(w: JsonWriter): void {
    w.beginObject().key('wasm').beginObject().key(this.kind).beginObject();
    const msg = toBase64(Uint8Array.wrap(String.UTF8.encode(this.msgJson)));
    if (this.kind == 'execute') {
      w.key('contract_addr').string(this.contract).key('msg').string(msg).key('funds');
      writeCoins(w, this.funds);
    } else if (this.kind == 'instantiate') {
      w.key('admin');
      if (this.admin.length) w.string(this.admin); else w.null();
      w.key('code_id').number(this.codeId).key('msg').string(msg).key('funds');
      writeCoins(w, this.funds);
      w.key('label').string(this.label);
    } else if (this.kind == 'migrate') {
      w.key('contract_addr').string(this.contract).key('new_code_id').number(this.codeId).key('msg').string(msg);
    } else if (this.kind == 'update_admin') {
      w.key('contract_addr').string(this.contract).key('admin').string(this.admin);
    } else {
      w.key('contract_addr').string(this.contract);
    }
    w.endObject().endObject().endObject();
  }
}

export enum ReplyOn { Never, Success, Error, Always }

const REPLY_ON_NAMES: string[] = ['never', 'success', 'error', 'always'];

/** A message with reply semantics: the contract's `reply` runs per `replyOn`, with `id`. */
export class SubMsg {
  /** gas limit for the submessage, 0 for none */
  gasLimit: u64 = 0;
  payload: Uint8Array = new Uint8Array(0);
  constructor(public id: u64, public msg: CosmosMsg, public replyOn: ReplyOn = ReplyOn.Never) {}

  write(w: JsonWriter): void {
    w.beginObject().key('id').number(this.id).key('payload').string(toBase64(this.payload)).key('msg');
    this.msg.write(w);
    w.key('gas_limit');
    if (this.gasLimit > 0) w.number(this.gasLimit); else w.null();
    w.key('reply_on').string(REPLY_ON_NAMES[<i32>this.replyOn]).endObject();
  }
}

/** What an instantiate/execute/migrate/reply returns: messages to run, attributes, events, data. */
export class Response {
  messages: SubMsg[] = [];
  attributes: Attribute[] = [];
  events: Event[] = [];
  data: Uint8Array | null = null;

  addAttribute(key: string, value: string): Response { this.attributes.push(new Attribute(key, value)); return this; }
  addMessage(msg: CosmosMsg): Response { this.messages.push(new SubMsg(0, msg, ReplyOn.Never)); return this; }
  addSubMessage(sub: SubMsg): Response { this.messages.push(sub); return this; }
  addEvent(event: Event): Response { this.events.push(event); return this; }
  setData(data: Uint8Array): Response { this.data = data; return this; }

  write(w: JsonWriter): void {
    w.beginObject().key('messages').beginArray();
    for (let i = 0; i < this.messages.length; i++) this.messages[i].write(w);
    w.endArray().key('attributes');
    writeAttributes(w, this.attributes);
    w.key('events').beginArray();
    for (let i = 0; i < this.events.length; i++) {
      w.beginObject().key('type').string(this.events[i].type).key('attributes');
      writeAttributes(w, this.events[i].attributes);
      w.endObject();
    }
    w.endArray().key('data');
    const data = this.data;
    if (data !== null) w.string(toBase64(data)); else w.null();
    w.endObject();
  }
}

/** The outcome of a submessage, passed to `reply`. */
export class Reply {
  id: u64 = 0;
  payload: Uint8Array = new Uint8Array(0);
  gasUsed: u64 = 0;
  /** '' when the submessage succeeded */
  error: string = '';
  /** the submessage's data (the callee's response data), when it succeeded */
  data: Uint8Array | null = null;
  /** the events the submessage emitted */
  events: Event[] = [];

  get isOk(): bool { return this.error.length == 0; }

  static fromJson(v: JsonValue): Reply {
    const r = new Reply();
    r.id = U64.parseInt(str(v, 'id'));
    r.gasUsed = U64.parseInt(str(v, 'gas_used'));
    const p = fromBase64(str(v, 'payload'));
    if (p !== null) r.payload = p;
    const result = v.get('result');
    if (result === null) return r;
    const err = result.get('error');
    if (err !== null) {
      r.error = err.text;
      return r;
    }
    const ok = result.get('ok');
    if (ok === null) return r;
    const data = ok.get('data');
    if (data !== null && data.isString()) r.data = fromBase64(data.text);
    const events = ok.get('events');
    if (events !== null) {
      for (let i = 0; i < events.items.length; i++) {
        const e = new Event(str(events.items[i], 'type'));
        const attrs = events.items[i].get('attributes');
        if (attrs !== null) for (let j = 0; j < attrs.items.length; j++) e.add(str(attrs.items[j], 'key'), str(attrs.items[j], 'value'));
        r.events.push(e);
      }
    }
    return r;
  }
}

/** A JSON string literal, for building messages by hand. */
export function jsonString(s: string): string {
  return quote(s);
}
