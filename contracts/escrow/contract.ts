// escrow: funds locked for a recipient under an arbiter until an end (cw20-escrow's message interface). Native
// coins come with `create`/`top_up`; cw20 tokens through the token's `send` (the `receive` hook). The arbiter's
// `approve` releases everything to the recipient; `refund` returns it to the source, by the arbiter at any time
// or by anyone once the escrow has expired.
import {
  addressOf, Codec, Coin, doExecute, doInstantiate, doQuery, Env, fail, fromBase64, fromUtf8, invalidInput,
  JsonValue, JsonWriter, Map, MessageInfo, optionalStringOf, optionalU64Of, pageLimit, parseJson, quote, Response,
  Result, str, stringOf, Uint128, unauthorized, WasmMsg, BankMsg, addrValidate, writeCoins,
} from '../sdk/index';
export { allocate, deallocate, interface_version_8 } from '../sdk/index';

const NS_PER_SECOND: u64 = 1_000_000_000;

// ---- state ----

class Cw20Coin {
  constructor(public address: string, public amount: Uint128) {}
}

class Escrow {
  arbiter: string = '';
  /** '' until set */
  recipient: string = '';
  source: string = '';
  title: string = '';
  description: string = '';
  /** -1 when there is no such end */
  endHeight: i64 = -1;
  /** seconds since the Unix epoch, -1 when none */
  endTime: i64 = -1;
  native: Coin[] = [];
  cw20: Cw20Coin[] = [];
  whitelist: string[] = [];

  /** cw20-escrow: expired once the block is past the end height or the end time. */
  isExpired(env: Env): bool {
    if (this.endHeight >= 0 && env.block.height > <u64>this.endHeight) return true;
    if (this.endTime >= 0 && env.block.timeNanos > <u64>this.endTime * NS_PER_SECOND) return true;
    return false;
  }

  /** Adds coins, keeping one entry per denom in denom order (the chain accepts only sorted coin lists). */
  addNative(coins: Coin[]): void {
    for (let i = 0; i < coins.length; i++) {
      const c = coins[i];
      let at = 0;
      while (at < this.native.length && this.native[at].denom < c.denom) at++;
      if (at < this.native.length && this.native[at].denom == c.denom) this.native[at] = new Coin(c.denom, this.native[at].amount.add(c.amount));
      else {
        this.native.push(c);
        for (let j = this.native.length - 1; j > at; j--) this.native[j] = this.native[j - 1];
        this.native[at] = c;
      }
    }
  }

  addCw20(token: string, amount: Uint128): void {
    for (let j = 0; j < this.cw20.length; j++) {
      if (this.cw20[j].address == token) {
        this.cw20[j] = new Cw20Coin(token, this.cw20[j].amount.add(amount));
        return;
      }
    }
    this.cw20.push(new Cw20Coin(token, amount));
  }

  /** The messages that pay the whole balance to `to`. */
  release(r: Response, to: string): void {
    if (this.native.length) r.addMessage(BankMsg.send(to, this.native));
    for (let i = 0; i < this.cw20.length; i++) {
      const transfer = '{"transfer":{"recipient":' + quote(to) + ',"amount":' + quote(this.cw20[i].amount.toString()) + '}}';
      r.addMessage(WasmMsg.execute(this.cw20[i].address, transfer));
    }
  }

  /** The stored form, which is also DetailsResponse without the id. */
  write(w: JsonWriter): void {
    w.key('arbiter').string(this.arbiter).key('recipient');
    if (this.recipient.length) w.string(this.recipient); else w.null();
    w.key('source').string(this.source).key('title').string(this.title).key('description').string(this.description);
    w.key('end_height');
    if (this.endHeight >= 0) w.number(this.endHeight); else w.null();
    w.key('end_time');
    if (this.endTime >= 0) w.number(this.endTime); else w.null();
    w.key('native_balance');
    writeCoins(w, this.native);
    w.key('cw20_balance').beginArray();
    for (let i = 0; i < this.cw20.length; i++) {
      w.beginObject().key('address').string(this.cw20[i].address).key('amount').string(this.cw20[i].amount.toString()).endObject();
    }
    w.endArray().key('cw20_whitelist').beginArray();
    for (let i = 0; i < this.whitelist.length; i++) w.string(this.whitelist[i]);
    w.endArray();
  }
}

class EscrowCodec extends Codec<Escrow> {
  encode(e: Escrow): string {
    const w = new JsonWriter().beginObject();
    e.write(w);
    return w.endObject().toString();
  }
  decode(v: JsonValue): Escrow {
    const e = new Escrow();
    e.arbiter = str(v, 'arbiter');
    e.recipient = str(v, 'recipient');
    e.source = str(v, 'source');
    e.title = str(v, 'title');
    e.description = str(v, 'description');
    e.endHeight = optionalU64Of(v, 'end_height').value;
    e.endTime = optionalU64Of(v, 'end_time').value;
    const native = v.get('native_balance')!;
    for (let i = 0; i < native.items.length; i++) e.native.push(Coin.fromJson(native.items[i])!);
    const cw20 = v.get('cw20_balance')!;
    for (let i = 0; i < cw20.items.length; i++) e.cw20.push(new Cw20Coin(str(cw20.items[i], 'address'), Uint128.parse(str(cw20.items[i], 'amount'))!));
    const wl = v.get('cw20_whitelist')!;
    for (let i = 0; i < wl.items.length; i++) e.whitelist.push(wl.items[i].text);
    return e;
  }
}

const ESCROWS = new Map<Escrow>('escrow', new EscrowCodec());

function loadEscrow(id: string): Result<Escrow> {
  const e = ESCROWS.mayLoad(id);
  if (e === null) return fail<Escrow>('Escrow ' + id + ' not found');
  return Result.ok<Escrow>(e!);
}

function nonZeroFunds(info: MessageInfo): Coin[] {
  const out: Coin[] = [];
  for (let i = 0; i < info.funds.length; i++) if (!info.funds[i].amount.isZero()) out.push(info.funds[i]);
  return out;
}

// ---- instantiate ----

function instantiateHandler(env: Env, info: MessageInfo, msg: JsonValue): Result<Response> {
  return Result.ok<Response>(new Response());
}

export function instantiate(env: usize, info: usize, msg: usize): usize {
  return doInstantiate(env, info, msg, instantiateHandler);
}

// ---- execute ----

/** What a create brings: native coins, or one cw20 amount (token '' for none). */
class Deposit {
  constructor(public native: Coin[], public token: string, public amount: Uint128) {}
  isEmpty(): bool { return this.native.length == 0 && (this.token.length == 0 || this.amount.isZero()); }
}

function create(env: Env, m: JsonValue, source: string, deposit: Deposit): Result<Response> {
  const id = stringOf(m, 'id');
  if (id.isErr) return id.cast<Response>();
  if (id.value.length == 0 || id.value.length > 64) return invalidInput<Response>('id must be 1 to 64 characters');
  if (deposit.isEmpty()) return fail<Response>('Send some coins to create an escrow');
  if (ESCROWS.has(id.value)) return fail<Response>('Escrow id already in use');
  const e = new Escrow();
  const arbiter = addressOf(m, 'arbiter');
  if (arbiter.isErr) return arbiter.cast<Response>();
  e.arbiter = arbiter.value;
  const recipient = optionalStringOf(m, 'recipient');
  if (recipient.isErr) return recipient.cast<Response>();
  if (recipient.value.length) {
    const r = addrValidate(recipient.value);
    if (r.isErr) return r.cast<Response>();
    e.recipient = r.value;
  }
  e.source = source;
  e.title = str(m, 'title');
  e.description = str(m, 'description');
  const endHeight = optionalU64Of(m, 'end_height');
  if (endHeight.isErr) return endHeight.cast<Response>();
  const endTime = optionalU64Of(m, 'end_time');
  if (endTime.isErr) return endTime.cast<Response>();
  e.endHeight = endHeight.value;
  e.endTime = endTime.value;
  if (e.isExpired(env)) return fail<Response>('Escrow expired: its end is already past');
  const wl = m.get('cw20_whitelist');
  if (wl !== null && !wl.isNull()) {
    for (let i = 0; i < wl.items.length; i++) {
      const a = addrValidate(wl.items[i].text);
      if (a.isErr) return a.cast<Response>();
      if (!e.whitelist.includes(a.value)) e.whitelist.push(a.value);
    }
  }
  e.addNative(deposit.native);
  if (deposit.token.length) {
    if (!e.whitelist.includes(deposit.token)) e.whitelist.push(deposit.token);
    e.addCw20(deposit.token, deposit.amount);
  }
  ESCROWS.save(id.value, e);
  return Result.ok<Response>(new Response().addAttribute('action', 'create').addAttribute('id', id.value));
}

function topUp(m: JsonValue, deposit: Deposit): Result<Response> {
  const id = stringOf(m, 'id');
  if (id.isErr) return id.cast<Response>();
  if (deposit.isEmpty()) return fail<Response>('Send some coins to top up an escrow');
  const loaded = loadEscrow(id.value);
  if (loaded.isErr) return loaded.cast<Response>();
  const e = loaded.value;
  if (deposit.token.length) {
    if (!e.whitelist.includes(deposit.token)) return fail<Response>('Only accepts tokens in the cw20_whitelist');
    e.addCw20(deposit.token, deposit.amount);
  }
  e.addNative(deposit.native);
  ESCROWS.save(id.value, e);
  return Result.ok<Response>(new Response().addAttribute('action', 'top_up').addAttribute('id', id.value));
}

function approve(env: Env, info: MessageInfo, m: JsonValue): Result<Response> {
  const id = stringOf(m, 'id');
  if (id.isErr) return id.cast<Response>();
  const loaded = loadEscrow(id.value);
  if (loaded.isErr) return loaded.cast<Response>();
  const e = loaded.value;
  if (info.sender != e.arbiter) return unauthorized<Response>();
  if (e.isExpired(env)) return fail<Response>('Escrow expired');
  if (e.recipient.length == 0) return fail<Response>('Recipient is not set');
  ESCROWS.remove(id.value);
  const r = new Response().addAttribute('action', 'approve').addAttribute('id', id.value).addAttribute('to', e.recipient);
  e.release(r, e.recipient);
  return Result.ok<Response>(r);
}

function refund(env: Env, info: MessageInfo, m: JsonValue): Result<Response> {
  const id = stringOf(m, 'id');
  if (id.isErr) return id.cast<Response>();
  const loaded = loadEscrow(id.value);
  if (loaded.isErr) return loaded.cast<Response>();
  const e = loaded.value;
  if (info.sender != e.arbiter && !e.isExpired(env)) return fail<Response>('Escrow not expired: only the arbiter can refund before the end');
  ESCROWS.remove(id.value);
  const r = new Response().addAttribute('action', 'refund').addAttribute('id', id.value).addAttribute('to', e.source);
  e.release(r, e.source);
  return Result.ok<Response>(r);
}

function setRecipient(info: MessageInfo, m: JsonValue): Result<Response> {
  const id = stringOf(m, 'id');
  if (id.isErr) return id.cast<Response>();
  const recipient = addressOf(m, 'recipient');
  if (recipient.isErr) return recipient.cast<Response>();
  const loaded = loadEscrow(id.value);
  if (loaded.isErr) return loaded.cast<Response>();
  const e = loaded.value;
  if (info.sender != e.arbiter) return unauthorized<Response>();
  e.recipient = recipient.value;
  ESCROWS.save(id.value, e);
  return Result.ok<Response>(new Response().addAttribute('action', 'set_recipient').addAttribute('id', id.value)
    .addAttribute('recipient', recipient.value));
}

/** The cw20 hook: info.sender is the token contract; the wrapped msg is a create or a top_up. */
function receive(env: Env, info: MessageInfo, m: JsonValue): Result<Response> {
  const sender = addressOf(m, 'sender');
  if (sender.isErr) return sender.cast<Response>();
  const amount = Uint128.parse(str(m, 'amount'));
  if (amount === null) return invalidInput<Response>('amount is not a valid Uint128');
  const bytes = fromBase64(str(m, 'msg'));
  if (bytes === null) return invalidInput<Response>('msg is not base64');
  const inner = parseJson(fromUtf8(bytes!));
  if (!inner.ok) return invalidInput<Response>('msg is not JSON: ' + inner.error);
  const action = inner.value.variant();
  const body = inner.value.get(action);
  if (body === null || !body.isObject()) return fail<Response>('Error parsing into type escrow::ReceiveMsg: expected one variant object');
  if (info.funds.length) return fail<Response>('Send native coins with create or top_up, not with a cw20 hook');
  const deposit = new Deposit([], info.sender, amount!);
  if (action == 'create') return create(env, body, sender.value, deposit);
  if (action == 'top_up') return topUp(body, deposit);
  return fail<Response>('Error parsing into type escrow::ReceiveMsg: unknown variant `' + action + '`');
}

function executeHandler(env: Env, info: MessageInfo, msg: JsonValue): Result<Response> {
  const action = msg.variant();
  const m = msg.get(action);
  if (m === null || !m.isObject()) return fail<Response>('Error parsing into type escrow::ExecuteMsg: expected one variant object');
  if (action == 'create') return create(env, m, info.sender, new Deposit(nonZeroFunds(info), '', Uint128.zero()));
  if (action == 'top_up') return topUp(m, new Deposit(nonZeroFunds(info), '', Uint128.zero()));
  if (action == 'approve') return approve(env, info, m);
  if (action == 'refund') return refund(env, info, m);
  if (action == 'set_recipient') return setRecipient(info, m);
  if (action == 'receive') return receive(env, info, m);
  return fail<Response>('Error parsing into type escrow::ExecuteMsg: unknown variant `' + action + '`');
}

export function execute(env: usize, info: usize, msg: usize): usize {
  return doExecute(env, info, msg, executeHandler);
}

// ---- query ----

const DEFAULT_LIMIT: i32 = 10;
const MAX_LIMIT: i32 = 30;

function queryHandler(env: Env, msg: JsonValue): Result<string> {
  const q = msg.variant();
  const m = msg.get(q);
  if (m === null || !m.isObject()) return fail<string>('Error parsing into type escrow::QueryMsg: expected one variant object');
  if (q == 'details') {
    const id = stringOf(m, 'id');
    if (id.isErr) return id.cast<string>();
    const e = loadEscrow(id.value);
    if (e.isErr) return e.cast<string>();
    const w = new JsonWriter().beginObject().key('id').string(id.value);
    e.value.write(w);
    return Result.ok<string>(w.endObject().toString());
  }
  if (q == 'list') {
    const rows = ESCROWS.range(str(m, 'start_after'), pageLimit(m, DEFAULT_LIMIT, MAX_LIMIT));
    const w = new JsonWriter().beginObject().key('escrows').beginArray();
    for (let i = 0; i < rows.length; i++) w.string(rows[i].key);
    return Result.ok<string>(w.endArray().endObject().toString());
  }
  return fail<string>('Error parsing into type escrow::QueryMsg: unknown variant `' + q + '`');
}

export function query(env: usize, msg: usize): usize {
  return doQuery(env, msg, queryHandler);
}
