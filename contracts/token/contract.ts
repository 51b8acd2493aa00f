// token: the cw20 interface (cw20-base semantics) on the VIVIAN SDK.
import {
  addrValidate, Codec, doExecute, doInstantiate, doQuery, Env, Expiration, fail, invalidInput, Item, JsonValue, JsonWriter,
  Map, Map2, MessageInfo, Response, Result, str, StringCodec, Uint128, Uint128Codec, unauthorized, WasmMsg, quote,
} from '../sdk/index';
export { allocate, deallocate, interface_version_8 } from '../sdk/index';

// ---- state ----

class TokenInfo {
  name: string = '';
  symbol: string = '';
  decimals: u8 = 0;
  totalSupply: Uint128 = Uint128.zero();
  /** '' when minting is disabled */
  minter: string = '';
  /** null: no cap */
  cap: Uint128 | null = null;
}

class TokenInfoCodec extends Codec<TokenInfo> {
  encode(t: TokenInfo): string {
    const w = new JsonWriter().beginObject();
    w.key('name').string(t.name).key('symbol').string(t.symbol).key('decimals').number(t.decimals);
    w.key('total_supply').string(t.totalSupply.toString()).key('mint');
    if (t.minter.length) {
      w.beginObject().key('minter').string(t.minter).key('cap');
      const cap = t.cap;
      if (cap !== null) w.string(cap.toString()); else w.null();
      w.endObject();
    } else w.null();
    return w.endObject().toString();
  }
  decode(v: JsonValue): TokenInfo {
    const t = new TokenInfo();
    t.name = str(v, 'name');
    t.symbol = str(v, 'symbol');
    t.decimals = <u8>U32.parseInt(str(v, 'decimals'));
    t.totalSupply = Uint128.parse(str(v, 'total_supply'))!;
    const mint = v.get('mint');
    if (mint !== null && mint.isObject()) {
      t.minter = str(mint, 'minter');
      const cap = str(mint, 'cap');
      if (cap.length) t.cap = Uint128.parse(cap);
    }
    return t;
  }
}

class Allowance {
  constructor(public allowance: Uint128, public expires: Expiration) {}
}

class AllowanceCodec extends Codec<Allowance> {
  encode(a: Allowance): string {
    const w = new JsonWriter().beginObject().key('allowance').string(a.allowance.toString()).key('expires');
    a.expires.write(w);
    return w.endObject().toString();
  }
  decode(v: JsonValue): Allowance {
    return new Allowance(Uint128.parse(str(v, 'allowance'))!, Expiration.parse(v.get('expires'))!);
  }
}

const TOKEN_INFO = new Item<TokenInfo>('token_info', new TokenInfoCodec());
const BALANCES = new Map<Uint128>('balance', new Uint128Codec());
const ALLOWANCES = new Map2<Allowance>('allowance', new AllowanceCodec());
const MARKETING_NOTE = new Item<string>('contract_kind', new StringCodec());

// ---- helpers ----

function amountOf(msg: JsonValue, key: string): Result<Uint128> {
  const v = msg.get(key);
  if (v === null || !v.isString()) return invalidInput<Uint128>(key + ' must be a decimal string');
  const a = Uint128.parse(v.text);
  if (a === null) return invalidInput<Uint128>(key + ' is not a valid Uint128: ' + v.text);
  return Result.ok<Uint128>(a!);
}

function nonZero(msg: JsonValue): Result<Uint128> {
  const a = amountOf(msg, 'amount');
  if (a.isOk && a.value.isZero()) return fail<Uint128>('Invalid zero amount');
  return a;
}

function address(msg: JsonValue, key: string): Result<string> {
  const v = msg.get(key);
  if (v === null || !v.isString()) return invalidInput<string>('missing address ' + key);
  return addrValidate(v.text);
}

function balanceOf(addr: string): Uint128 {
  return BALANCES.loadOr(addr, Uint128.zero());
}

function debit(addr: string, amount: Uint128): Result<bool> {
  const have = balanceOf(addr);
  const left = have.checkedSub(amount);
  if (left === null) return fail<bool>('Cannot Sub with ' + have.toString() + ' and ' + amount.toString());
  BALANCES.save(addr, left!);
  return Result.ok<bool>(true);
}

function credit(addr: string, amount: Uint128): void {
  BALANCES.save(addr, balanceOf(addr).add(amount));
}

/** Spends `amount` of owner's allowance to spender (cw20-base: expired allowances count as none). */
function spendAllowance(env: Env, owner: string, spender: string, amount: Uint128): Result<bool> {
  if (!ALLOWANCES.has(owner, spender)) return fail<bool>('No allowance for this account');
  const a = ALLOWANCES.loadOr(owner, spender, new Allowance(Uint128.zero(), Expiration.never()));
  if (a.expires.isExpired(env)) return fail<bool>('Allowance is expired');
  const left = a.allowance.checkedSub(amount);
  if (left === null) return fail<bool>('Cannot Sub with ' + a.allowance.toString() + ' and ' + amount.toString());
  if (left!.isZero()) ALLOWANCES.remove(owner, spender);
  else ALLOWANCES.save(owner, spender, new Allowance(left!, a.expires));
  return Result.ok<bool>(true);
}

/** The Cw20ReceiveMsg sent to a contract by send/send_from. */
function receiveMsg(contract: string, sender: string, amount: Uint128, msg: string): WasmMsg {
  const body = '{"receive":{"sender":' + quote(sender) + ',"amount":' + quote(amount.toString()) + ',"msg":' + quote(msg) + '}}';
  return WasmMsg.execute(contract, body);
}

// ---- instantiate ----

function instantiateHandler(env: Env, info: MessageInfo, msg: JsonValue): Result<Response> {
  const t = new TokenInfo();
  t.name = str(msg, 'name');
  t.symbol = str(msg, 'symbol');
  if (t.name.length < 3 || t.name.length > 50) return fail<Response>('Name is not in the expected format (3-50 UTF-8 bytes)');
  if (t.symbol.length < 3 || t.symbol.length > 12) return fail<Response>('Ticker symbol is not in expected format [a-zA-Z\\-]{3,12}');
  const decimals = U32.parseInt(str(msg, 'decimals'));
  if (decimals > 18) return fail<Response>('Decimals must not exceed 18');
  t.decimals = <u8>decimals;
  const initial = msg.get('initial_balances');
  if (initial !== null) {
    for (let i = 0; i < initial.items.length; i++) {
      const row = initial.items[i];
      const addr = address(row, 'address');
      if (addr.isErr) return addr.cast<Response>();
      const amount = amountOf(row, 'amount');
      if (amount.isErr) return amount.cast<Response>();
      credit(addr.value, amount.value);
      t.totalSupply = t.totalSupply.add(amount.value);
    }
  }
  const mint = msg.get('mint');
  if (mint !== null && mint.isObject()) {
    const minter = address(mint, 'minter');
    if (minter.isErr) return minter.cast<Response>();
    t.minter = minter.value;
    const cap = mint.get('cap');
    if (cap !== null && !cap.isNull()) {
      const c = Uint128.parse(cap.text);
      if (c === null) return invalidInput<Response>('cap is not a valid Uint128');
      if (t.totalSupply.gt(c!)) return fail<Response>('Initial supply greater than cap');
      t.cap = c;
    }
  }
  TOKEN_INFO.save(t);
  MARKETING_NOTE.save('cw20');
  return Result.ok<Response>(new Response());
}

export function instantiate(env: usize, info: usize, msg: usize): usize {
  return doInstantiate(env, info, msg, instantiateHandler);
}

// ---- execute ----

function transfer(info: MessageInfo, m: JsonValue): Result<Response> {
  const to = address(m, 'recipient');
  if (to.isErr) return to.cast<Response>();
  const amount = nonZero(m);
  if (amount.isErr) return amount.cast<Response>();
  const d = debit(info.sender, amount.value);
  if (d.isErr) return d.cast<Response>();
  credit(to.value, amount.value);
  return Result.ok<Response>(new Response().addAttribute('action', 'transfer').addAttribute('from', info.sender)
    .addAttribute('to', to.value).addAttribute('amount', amount.value.toString()));
}

function send(info: MessageInfo, m: JsonValue): Result<Response> {
  const contract = address(m, 'contract');
  if (contract.isErr) return contract.cast<Response>();
  const amount = nonZero(m);
  if (amount.isErr) return amount.cast<Response>();
  const d = debit(info.sender, amount.value);
  if (d.isErr) return d.cast<Response>();
  credit(contract.value, amount.value);
  return Result.ok<Response>(new Response().addAttribute('action', 'send').addAttribute('from', info.sender)
    .addAttribute('to', contract.value).addAttribute('amount', amount.value.toString())
    .addMessage(receiveMsg(contract.value, info.sender, amount.value, str(m, 'msg'))));
}

function burn(info: MessageInfo, m: JsonValue): Result<Response> {
  const amount = nonZero(m);
  if (amount.isErr) return amount.cast<Response>();
  const d = debit(info.sender, amount.value);
  if (d.isErr) return d.cast<Response>();
  const t = TOKEN_INFO.load();
  t.totalSupply = t.totalSupply.sub(amount.value);
  TOKEN_INFO.save(t);
  return Result.ok<Response>(new Response().addAttribute('action', 'burn').addAttribute('from', info.sender)
    .addAttribute('amount', amount.value.toString()));
}

function mint(info: MessageInfo, m: JsonValue): Result<Response> {
  const to = address(m, 'recipient');
  if (to.isErr) return to.cast<Response>();
  const amount = nonZero(m);
  if (amount.isErr) return amount.cast<Response>();
  const t = TOKEN_INFO.load();
  if (t.minter.length == 0 || t.minter != info.sender) return unauthorized<Response>();
  const supply = t.totalSupply.checkedAdd(amount.value);
  if (supply === null) return fail<Response>('Overflow: total supply');
  const cap = t.cap;
  if (cap !== null && supply!.gt(cap)) return fail<Response>('Minting cannot exceed the cap');
  t.totalSupply = supply!;
  TOKEN_INFO.save(t);
  credit(to.value, amount.value);
  return Result.ok<Response>(new Response().addAttribute('action', 'mint').addAttribute('to', to.value)
    .addAttribute('amount', amount.value.toString()));
}

function updateMinter(info: MessageInfo, m: JsonValue): Result<Response> {
  const t = TOKEN_INFO.load();
  if (t.minter.length == 0 || t.minter != info.sender) return unauthorized<Response>();
  const next = m.get('new_minter');
  let minter = '';
  if (next !== null && !next.isNull()) {
    const a = addrValidate(next.text);
    if (a.isErr) return a.cast<Response>();
    minter = a.value;
  }
  t.minter = minter;
  if (minter.length == 0) t.cap = null;
  TOKEN_INFO.save(t);
  return Result.ok<Response>(new Response().addAttribute('action', 'update_minter')
    .addAttribute('new_minter', minter.length ? minter : 'None'));
}

function changeAllowance(env: Env, info: MessageInfo, m: JsonValue, increase: bool): Result<Response> {
  const spender = address(m, 'spender');
  if (spender.isErr) return spender.cast<Response>();
  if (spender.value == info.sender) return fail<Response>('Cannot set allowance to own account');
  const amount = amountOf(m, 'amount');
  if (amount.isErr) return amount.cast<Response>();
  const expiresJson = m.get('expires');
  const current = ALLOWANCES.loadOr(info.sender, spender.value, new Allowance(Uint128.zero(), Expiration.never()));
  let expires = current.expires;
  if (expiresJson !== null) {
    const e = Expiration.parse(expiresJson);
    if (e === null) return invalidInput<Response>('expires must be never, at_height or at_time');
    if (e!.isExpired(env)) return fail<Response>('Invalid expiration value');
    expires = e!;
  }
  if (increase) {
    ALLOWANCES.save(info.sender, spender.value, new Allowance(current.allowance.add(amount.value), expires));
  } else {
    const left = current.allowance.checkedSub(amount.value);
    if (left === null || left!.isZero()) ALLOWANCES.remove(info.sender, spender.value);
    else ALLOWANCES.save(info.sender, spender.value, new Allowance(left!, expires));
  }
  return Result.ok<Response>(new Response().addAttribute('action', increase ? 'increase_allowance' : 'decrease_allowance')
    .addAttribute('owner', info.sender).addAttribute('spender', spender.value).addAttribute('amount', amount.value.toString()));
}

/** What the *_from messages took from an owner under the sender's allowance. */
class Taken {
  constructor(public owner: string, public target: string, public amount: Uint128) {}
}

/**
 * The shared part of transfer_from, send_from and burn_from: read `owner` (and `targetKey` when given),
 * a non-zero `amount`, spend the sender's allowance and debit the owner, in that order.
 */
function takeFromOwner(env: Env, info: MessageInfo, m: JsonValue, targetKey: string): Result<Taken> {
  const owner = address(m, 'owner');
  if (owner.isErr) return owner.cast<Taken>();
  let target = '';
  if (targetKey != '') {
    const t = address(m, targetKey);
    if (t.isErr) return t.cast<Taken>();
    target = t.value;
  }
  const amount = nonZero(m);
  if (amount.isErr) return amount.cast<Taken>();
  const s = spendAllowance(env, owner.value, info.sender, amount.value);
  if (s.isErr) return s.cast<Taken>();
  const d = debit(owner.value, amount.value);
  if (d.isErr) return d.cast<Taken>();
  return Result.ok<Taken>(new Taken(owner.value, target, amount.value));
}

function transferFrom(env: Env, info: MessageInfo, m: JsonValue): Result<Response> {
  const r = takeFromOwner(env, info, m, 'recipient');
  if (r.isErr) return r.cast<Response>();
  const t = r.value;
  credit(t.target, t.amount);
  return Result.ok<Response>(new Response().addAttribute('action', 'transfer_from').addAttribute('from', t.owner)
    .addAttribute('to', t.target).addAttribute('by', info.sender).addAttribute('amount', t.amount.toString()));
}

function sendFrom(env: Env, info: MessageInfo, m: JsonValue): Result<Response> {
  const r = takeFromOwner(env, info, m, 'contract');
  if (r.isErr) return r.cast<Response>();
  const t = r.value;
  credit(t.target, t.amount);
  return Result.ok<Response>(new Response().addAttribute('action', 'send_from').addAttribute('from', t.owner)
    .addAttribute('to', t.target).addAttribute('by', info.sender).addAttribute('amount', t.amount.toString())
    .addMessage(receiveMsg(t.target, info.sender, t.amount, str(m, 'msg'))));
}

function burnFrom(env: Env, info: MessageInfo, m: JsonValue): Result<Response> {
  const r = takeFromOwner(env, info, m, '');
  if (r.isErr) return r.cast<Response>();
  const t = r.value;
  const ti = TOKEN_INFO.load();
  ti.totalSupply = ti.totalSupply.sub(t.amount);
  TOKEN_INFO.save(ti);
  return Result.ok<Response>(new Response().addAttribute('action', 'burn_from').addAttribute('from', t.owner)
    .addAttribute('by', info.sender).addAttribute('amount', t.amount.toString()));
}

function executeHandler(env: Env, info: MessageInfo, msg: JsonValue): Result<Response> {
  const action = msg.variant();
  const m = msg.get(action);
  if (m === null || !m.isObject()) return fail<Response>('Error parsing into type cw20::ExecuteMsg: expected one variant object');
  if (action == 'transfer') return transfer(info, m);
  if (action == 'send') return send(info, m);
  if (action == 'burn') return burn(info, m);
  if (action == 'mint') return mint(info, m);
  if (action == 'update_minter') return updateMinter(info, m);
  if (action == 'increase_allowance') return changeAllowance(env, info, m, true);
  if (action == 'decrease_allowance') return changeAllowance(env, info, m, false);
  if (action == 'transfer_from') return transferFrom(env, info, m);
  if (action == 'send_from') return sendFrom(env, info, m);
  if (action == 'burn_from') return burnFrom(env, info, m);
  return fail<Response>('Error parsing into type cw20::ExecuteMsg: unknown variant `' + action + '`');
}

export function execute(env: usize, info: usize, msg: usize): usize {
  return doExecute(env, info, msg, executeHandler);
}

// ---- query ----

const DEFAULT_LIMIT: i32 = 10;
const MAX_LIMIT: i32 = 30;

function limitOf(m: JsonValue): i32 {
  const l = str(m, 'limit');
  if (l.length == 0) return DEFAULT_LIMIT;
  const n = I32.parseInt(l);
  return n > MAX_LIMIT ? MAX_LIMIT : n < 0 ? 0 : n;
}

function queryHandler(env: Env, msg: JsonValue): Result<string> {
  const q = msg.variant();
  const m = msg.get(q);
  if (m === null || !m.isObject()) return fail<string>('Error parsing into type cw20::QueryMsg: expected one variant object');
  if (q == 'balance') {
    const a = address(m, 'address');
    if (a.isErr) return a.cast<string>();
    return Result.ok<string>('{"balance":' + quote(balanceOf(a.value).toString()) + '}');
  }
  if (q == 'token_info') {
    const t = TOKEN_INFO.load();
    const w = new JsonWriter().beginObject().key('name').string(t.name).key('symbol').string(t.symbol)
      .key('decimals').number(t.decimals).key('total_supply').string(t.totalSupply.toString()).endObject();
    return Result.ok<string>(w.toString());
  }
  if (q == 'minter') {
    const t = TOKEN_INFO.load();
    if (t.minter.length == 0) return Result.ok<string>('null');
    const w = new JsonWriter().beginObject().key('minter').string(t.minter).key('cap');
    const cap = t.cap;
    if (cap !== null) w.string(cap.toString()); else w.null();
    return Result.ok<string>(w.endObject().toString());
  }
  if (q == 'allowance') {
    const owner = address(m, 'owner');
    if (owner.isErr) return owner.cast<string>();
    const spender = address(m, 'spender');
    if (spender.isErr) return spender.cast<string>();
    const a = ALLOWANCES.loadOr(owner.value, spender.value, new Allowance(Uint128.zero(), Expiration.never()));
    return Result.ok<string>(new AllowanceCodec().encode(a));
  }
  if (q == 'all_allowances') {
    const owner = address(m, 'owner');
    if (owner.isErr) return owner.cast<string>();
    const rows = ALLOWANCES.prefixRange(owner.value, str(m, 'start_after'), limitOf(m));
    const w = new JsonWriter().beginObject().key('allowances').beginArray();
    for (let i = 0; i < rows.length; i++) {
      w.beginObject().key('spender').string(rows[i].key).key('allowance').string(rows[i].value.allowance.toString()).key('expires');
      rows[i].value.expires.write(w);
      w.endObject();
    }
    return Result.ok<string>(w.endArray().endObject().toString());
  }
  if (q == 'all_accounts') {
    const rows = BALANCES.range(str(m, 'start_after'), limitOf(m));
    const w = new JsonWriter().beginObject().key('accounts').beginArray();
    for (let i = 0; i < rows.length; i++) w.string(rows[i].key);
    return Result.ok<string>(w.endArray().endObject().toString());
  }
  return fail<string>('Error parsing into type cw20::QueryMsg: unknown variant `' + q + '`');
}

export function query(env: usize, msg: usize): usize {
  return doQuery(env, msg, queryHandler);
}
