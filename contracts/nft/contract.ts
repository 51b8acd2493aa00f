// nft: the cw721 interface (cw721-base semantics and JSON shapes) on the VIVIAN SDK.
import {
  addressOf, boolOf, Codec, doExecute, doInstantiate, doQuery, Env, Expiration, fail, invalidInput, Item, JsonValue,
  JsonWriter, Map, Map2, MessageInfo, optionalStringOf, pageLimit, quote, Response, Result, str, stringify,
  StringCodec, stringOf, U64Box, U64Codec, unauthorized, WasmMsg,
} from '../sdk/index';
export { allocate, deallocate, interface_version_8 } from '../sdk/index';

// ---- state ----

class Approval {
  constructor(public spender: string, public expires: Expiration) {}

  write(w: JsonWriter): void {
    w.beginObject().key('spender').string(this.spender).key('expires');
    this.expires.write(w);
    w.endObject();
  }
}

class TokenInfo {
  owner: string = '';
  approvals: Approval[] = [];
  /** '' when none */
  tokenUri: string = '';
  /** the extension as JSON, kept as given */
  extension: string = 'null';
}

class TokenInfoCodec extends Codec<TokenInfo> {
  encode(t: TokenInfo): string {
    const w = new JsonWriter().beginObject().key('owner').string(t.owner).key('approvals').beginArray();
    for (let i = 0; i < t.approvals.length; i++) t.approvals[i].write(w);
    w.endArray().key('token_uri');
    if (t.tokenUri.length) w.string(t.tokenUri); else w.null();
    return w.key('extension').raw(t.extension).endObject().toString();
  }
  decode(v: JsonValue): TokenInfo {
    const t = new TokenInfo();
    t.owner = str(v, 'owner');
    const approvals = v.get('approvals')!;
    for (let i = 0; i < approvals.items.length; i++) {
      const a = approvals.items[i];
      t.approvals.push(new Approval(str(a, 'spender'), Expiration.parse(a.get('expires'))!));
    }
    t.tokenUri = str(v, 'token_uri');
    const ext = v.get('extension');
    if (ext !== null) t.extension = stringify(ext);
    return t;
  }
}

class ExpirationCodec extends Codec<Expiration> {
  encode(e: Expiration): string { return e.toJson(); }
  decode(v: JsonValue): Expiration { return Expiration.parse(v)!; }
}

const NAME = new Item<string>('name', new StringCodec());
const SYMBOL = new Item<string>('symbol', new StringCodec());
const MINTER = new Item<string>('minter', new StringCodec());
const TOKEN_COUNT = new Item<U64Box>('num_tokens', new U64Codec());
const TOKENS = new Map<TokenInfo>('tokens', new TokenInfoCodec());
/** owner -> token id -> "": the tokens an owner holds, in id order */
const OWNED = new Map2<string>('tokens__owner', new StringCodec());
/** owner -> operator -> expiration */
const OPERATORS = new Map2<Expiration>('operators', new ExpirationCodec());

// ---- helpers ----

function loadToken(id: string): Result<TokenInfo> {
  const t = TOKENS.mayLoad(id);
  if (t === null) return fail<TokenInfo>('Token ' + id + ' not found');
  return Result.ok<TokenInfo>(t!);
}

function tokenIdOf(m: JsonValue): Result<string> {
  const id = stringOf(m, 'token_id');
  if (id.isOk && id.value.length == 0) return invalidInput<string>('token_id must not be empty');
  return id;
}

function expiresOf(env: Env, m: JsonValue): Result<Expiration> {
  const e = Expiration.parse(m.get('expires'));
  if (e === null) return invalidInput<Expiration>('expires must be never, at_height or at_time');
  if (e!.isExpired(env)) return fail<Expiration>('Cannot set approval that is already expired');
  return Result.ok<Expiration>(e!);
}

function isActiveOperator(env: Env, owner: string, operator: string): bool {
  const e = OPERATORS.mayLoad(owner, operator);
  return e !== null && !e!.isExpired(env);
}

/** cw721-base: the owner, or an operator of the owner, may approve and revoke. */
function canApprove(env: Env, sender: string, t: TokenInfo): bool {
  return t.owner == sender || isActiveOperator(env, t.owner, sender);
}

/** cw721-base: the owner, an unexpired approval for the token, or an operator may transfer, send and burn. */
function canSend(env: Env, sender: string, t: TokenInfo): bool {
  if (t.owner == sender) return true;
  for (let i = 0; i < t.approvals.length; i++) {
    if (t.approvals[i].spender == sender && !t.approvals[i].expires.isExpired(env)) return true;
  }
  return isActiveOperator(env, t.owner, sender);
}

function addCount(delta: i64): void {
  const n = TOKEN_COUNT.loadOr(new U64Box(0));
  TOKEN_COUNT.save(new U64Box(<u64>(<i64>n.value + delta)));
}

/** Moves a token to `recipient`, clearing its approvals. */
function moveToken(env: Env, sender: string, id: string, recipient: string): Result<bool> {
  const loaded = loadToken(id);
  if (loaded.isErr) return loaded.cast<bool>();
  const t = loaded.value;
  if (!canSend(env, sender, t)) return unauthorized<bool>();
  OWNED.remove(t.owner, id);
  t.owner = recipient;
  t.approvals = [];
  TOKENS.save(id, t);
  OWNED.save(recipient, id, '');
  return Result.ok<bool>(true);
}

// ---- instantiate ----

function instantiateHandler(env: Env, info: MessageInfo, msg: JsonValue): Result<Response> {
  const name = stringOf(msg, 'name');
  if (name.isErr) return name.cast<Response>();
  const symbol = stringOf(msg, 'symbol');
  if (symbol.isErr) return symbol.cast<Response>();
  let minter = info.sender;
  const m = msg.get('minter');
  if (m !== null && !m.isNull()) {
    const a = addressOf(msg, 'minter');
    if (a.isErr) return a.cast<Response>();
    minter = a.value;
  }
  NAME.save(name.value);
  SYMBOL.save(symbol.value);
  MINTER.save(minter);
  TOKEN_COUNT.save(new U64Box(0));
  return Result.ok<Response>(new Response().addAttribute('action', 'instantiate').addAttribute('minter', minter));
}

export function instantiate(env: usize, info: usize, msg: usize): usize {
  return doInstantiate(env, info, msg, instantiateHandler);
}

// ---- execute ----

function mint(info: MessageInfo, m: JsonValue): Result<Response> {
  if (info.sender != MINTER.load()) return unauthorized<Response>();
  const id = tokenIdOf(m);
  if (id.isErr) return id.cast<Response>();
  const owner = addressOf(m, 'owner');
  if (owner.isErr) return owner.cast<Response>();
  const uri = optionalStringOf(m, 'token_uri');
  if (uri.isErr) return uri.cast<Response>();
  if (TOKENS.has(id.value)) return fail<Response>('token_id already claimed');
  const t = new TokenInfo();
  t.owner = owner.value;
  t.tokenUri = uri.value;
  const ext = m.get('extension');
  if (ext !== null) t.extension = stringify(ext);
  TOKENS.save(id.value, t);
  OWNED.save(owner.value, id.value, '');
  addCount(1);
  return Result.ok<Response>(new Response().addAttribute('action', 'mint').addAttribute('minter', info.sender)
    .addAttribute('owner', owner.value).addAttribute('token_id', id.value));
}

function transferNft(env: Env, info: MessageInfo, m: JsonValue): Result<Response> {
  const to = addressOf(m, 'recipient');
  if (to.isErr) return to.cast<Response>();
  const id = tokenIdOf(m);
  if (id.isErr) return id.cast<Response>();
  const moved = moveToken(env, info.sender, id.value, to.value);
  if (moved.isErr) return moved.cast<Response>();
  return Result.ok<Response>(new Response().addAttribute('action', 'transfer_nft').addAttribute('sender', info.sender)
    .addAttribute('recipient', to.value).addAttribute('token_id', id.value));
}

function sendNft(env: Env, info: MessageInfo, m: JsonValue): Result<Response> {
  const contract = addressOf(m, 'contract');
  if (contract.isErr) return contract.cast<Response>();
  const id = tokenIdOf(m);
  if (id.isErr) return id.cast<Response>();
  const payload = stringOf(m, 'msg');
  if (payload.isErr) return payload.cast<Response>();
  const moved = moveToken(env, info.sender, id.value, contract.value);
  if (moved.isErr) return moved.cast<Response>();
  // the Cw721ReceiveMsg hook: the receiving contract must accept it or the whole send fails
  const hook = '{"receive_nft":{"sender":' + quote(info.sender) + ',"token_id":' + quote(id.value) + ',"msg":' + quote(payload.value) + '}}';
  return Result.ok<Response>(new Response().addAttribute('action', 'send_nft').addAttribute('sender', info.sender)
    .addAttribute('recipient', contract.value).addAttribute('token_id', id.value)
    .addMessage(WasmMsg.execute(contract.value, hook)));
}

/** approve (add) and revoke: replace or drop the spender's approval on one token. */
function updateApproval(env: Env, info: MessageInfo, m: JsonValue, add: bool): Result<Response> {
  const spender = addressOf(m, 'spender');
  if (spender.isErr) return spender.cast<Response>();
  const id = tokenIdOf(m);
  if (id.isErr) return id.cast<Response>();
  const loaded = loadToken(id.value);
  if (loaded.isErr) return loaded.cast<Response>();
  const t = loaded.value;
  if (!canApprove(env, info.sender, t)) return unauthorized<Response>();
  const kept: Approval[] = [];
  for (let i = 0; i < t.approvals.length; i++) if (t.approvals[i].spender != spender.value) kept.push(t.approvals[i]);
  if (add) {
    const expires = expiresOf(env, m);
    if (expires.isErr) return expires.cast<Response>();
    kept.push(new Approval(spender.value, expires.value));
  }
  t.approvals = kept;
  TOKENS.save(id.value, t);
  return Result.ok<Response>(new Response().addAttribute('action', add ? 'approve' : 'revoke').addAttribute('sender', info.sender)
    .addAttribute('spender', spender.value).addAttribute('token_id', id.value));
}

function approveAll(env: Env, info: MessageInfo, m: JsonValue): Result<Response> {
  const operator = addressOf(m, 'operator');
  if (operator.isErr) return operator.cast<Response>();
  const expires = expiresOf(env, m);
  if (expires.isErr) return expires.cast<Response>();
  OPERATORS.save(info.sender, operator.value, expires.value);
  return Result.ok<Response>(new Response().addAttribute('action', 'approve_all').addAttribute('sender', info.sender)
    .addAttribute('operator', operator.value));
}

function revokeAll(info: MessageInfo, m: JsonValue): Result<Response> {
  const operator = addressOf(m, 'operator');
  if (operator.isErr) return operator.cast<Response>();
  OPERATORS.remove(info.sender, operator.value);
  return Result.ok<Response>(new Response().addAttribute('action', 'revoke_all').addAttribute('sender', info.sender)
    .addAttribute('operator', operator.value));
}

function burn(env: Env, info: MessageInfo, m: JsonValue): Result<Response> {
  const id = tokenIdOf(m);
  if (id.isErr) return id.cast<Response>();
  const loaded = loadToken(id.value);
  if (loaded.isErr) return loaded.cast<Response>();
  if (!canSend(env, info.sender, loaded.value)) return unauthorized<Response>();
  TOKENS.remove(id.value);
  OWNED.remove(loaded.value.owner, id.value);
  addCount(-1);
  return Result.ok<Response>(new Response().addAttribute('action', 'burn').addAttribute('sender', info.sender)
    .addAttribute('token_id', id.value));
}

function executeHandler(env: Env, info: MessageInfo, msg: JsonValue): Result<Response> {
  const action = msg.variant();
  const m = msg.get(action);
  if (m === null || !m.isObject()) return fail<Response>('Error parsing into type cw721::ExecuteMsg: expected one variant object');
  if (action == 'mint') return mint(info, m);
  if (action == 'transfer_nft') return transferNft(env, info, m);
  if (action == 'send_nft') return sendNft(env, info, m);
  if (action == 'approve') return updateApproval(env, info, m, true);
  if (action == 'revoke') return updateApproval(env, info, m, false);
  if (action == 'approve_all') return approveAll(env, info, m);
  if (action == 'revoke_all') return revokeAll(info, m);
  if (action == 'burn') return burn(env, info, m);
  return fail<Response>('Error parsing into type cw721::ExecuteMsg: unknown variant `' + action + '`');
}

export function execute(env: usize, info: usize, msg: usize): usize {
  return doExecute(env, info, msg, executeHandler);
}

// ---- query ----

const DEFAULT_LIMIT: i32 = 10;
const MAX_LIMIT: i32 = 100;
/** cw721-base lets all_tokens page further */
const MAX_ALL_TOKENS_LIMIT: i32 = 1000;

function writeApprovals(w: JsonWriter, env: Env, t: TokenInfo, includeExpired: bool): void {
  w.beginArray();
  for (let i = 0; i < t.approvals.length; i++) {
    if (includeExpired || !t.approvals[i].expires.isExpired(env)) t.approvals[i].write(w);
  }
  w.endArray();
}

function writeOwnerOf(w: JsonWriter, env: Env, t: TokenInfo, includeExpired: bool): void {
  w.beginObject().key('owner').string(t.owner).key('approvals');
  writeApprovals(w, env, t, includeExpired);
  w.endObject();
}

function writeNftInfo(w: JsonWriter, t: TokenInfo): void {
  w.beginObject().key('token_uri');
  if (t.tokenUri.length) w.string(t.tokenUri); else w.null();
  w.key('extension').raw(t.extension).endObject();
}

function writeTokenIds(ids: string[]): string {
  const w = new JsonWriter().beginObject().key('tokens').beginArray();
  for (let i = 0; i < ids.length; i++) w.string(ids[i]);
  return w.endArray().endObject().toString();
}

function approvalAnswer(spender: string, expires: Expiration): string {
  const w = new JsonWriter().beginObject().key('approval');
  new Approval(spender, expires).write(w);
  return w.endObject().toString();
}

function queryApproval(env: Env, m: JsonValue): Result<string> {
  const id = tokenIdOf(m);
  if (id.isErr) return id.cast<string>();
  const spender = stringOf(m, 'spender');
  if (spender.isErr) return spender.cast<string>();
  const loaded = loadToken(id.value);
  if (loaded.isErr) return loaded.cast<string>();
  const t = loaded.value;
  // the owner holds an approval that never expires
  if (t.owner == spender.value) return Result.ok<string>(approvalAnswer(t.owner, Expiration.never()));
  const includeExpired = boolOf(m, 'include_expired', false);
  for (let i = 0; i < t.approvals.length; i++) {
    const a = t.approvals[i];
    if (a.spender == spender.value && (includeExpired || !a.expires.isExpired(env))) return Result.ok<string>(approvalAnswer(a.spender, a.expires));
  }
  return fail<string>('Approval not found');
}

function queryOperator(env: Env, m: JsonValue): Result<string> {
  const owner = addressOf(m, 'owner');
  if (owner.isErr) return owner.cast<string>();
  const operator = addressOf(m, 'operator');
  if (operator.isErr) return operator.cast<string>();
  const e = OPERATORS.mayLoad(owner.value, operator.value);
  if (e === null || (!boolOf(m, 'include_expired', false) && e!.isExpired(env))) return fail<string>('Approval not found');
  return Result.ok<string>(approvalAnswer(operator.value, e!));
}

/** Operators of an owner in address order, expired ones skipped unless asked for; pages count only what is shown. */
function queryAllOperators(env: Env, m: JsonValue): Result<string> {
  const owner = addressOf(m, 'owner');
  if (owner.isErr) return owner.cast<string>();
  const includeExpired = boolOf(m, 'include_expired', false);
  const limit = pageLimit(m, DEFAULT_LIMIT, MAX_LIMIT);
  let after = str(m, 'start_after');
  const w = new JsonWriter().beginObject().key('operators').beginArray();
  let shown = 0;
  while (shown < limit) {
    const rows = OPERATORS.prefixRange(owner.value, after, limit);
    for (let i = 0; i < rows.length && shown < limit; i++) {
      if (includeExpired || !rows[i].value.isExpired(env)) {
        new Approval(rows[i].key, rows[i].value).write(w);
        shown++;
      }
    }
    if (rows.length < limit) break;
    after = rows[rows.length - 1].key;
  }
  return Result.ok<string>(w.endArray().endObject().toString());
}

function queryHandler(env: Env, msg: JsonValue): Result<string> {
  const q = msg.variant();
  const m = msg.get(q);
  if (m === null || !m.isObject()) return fail<string>('Error parsing into type cw721::QueryMsg: expected one variant object');
  if (q == 'contract_info') {
    return Result.ok<string>(new JsonWriter().beginObject().key('name').string(NAME.load()).key('symbol').string(SYMBOL.load()).endObject().toString());
  }
  if (q == 'minter') return Result.ok<string>('{"minter":' + quote(MINTER.load()) + '}');
  if (q == 'num_tokens') return Result.ok<string>('{"count":' + TOKEN_COUNT.loadOr(new U64Box(0)).value.toString() + '}');
  if (q == 'owner_of' || q == 'nft_info' || q == 'all_nft_info' || q == 'approvals') {
    const id = tokenIdOf(m);
    if (id.isErr) return id.cast<string>();
    const loaded = loadToken(id.value);
    if (loaded.isErr) return loaded.cast<string>();
    const t = loaded.value;
    const includeExpired = boolOf(m, 'include_expired', false);
    const w = new JsonWriter();
    if (q == 'owner_of') writeOwnerOf(w, env, t, includeExpired);
    else if (q == 'nft_info') writeNftInfo(w, t);
    else if (q == 'approvals') {
      w.beginObject().key('approvals');
      writeApprovals(w, env, t, includeExpired);
      w.endObject();
    } else {
      w.beginObject().key('access');
      writeOwnerOf(w, env, t, includeExpired);
      w.key('info');
      writeNftInfo(w, t);
      w.endObject();
    }
    return Result.ok<string>(w.toString());
  }
  if (q == 'approval') return queryApproval(env, m);
  if (q == 'operator') return queryOperator(env, m);
  if (q == 'all_operators') return queryAllOperators(env, m);
  if (q == 'tokens') {
    const owner = addressOf(m, 'owner');
    if (owner.isErr) return owner.cast<string>();
    const rows = OWNED.prefixRange(owner.value, str(m, 'start_after'), pageLimit(m, DEFAULT_LIMIT, MAX_LIMIT));
    const ids: string[] = [];
    for (let i = 0; i < rows.length; i++) ids.push(rows[i].key);
    return Result.ok<string>(writeTokenIds(ids));
  }
  if (q == 'all_tokens') {
    const rows = TOKENS.range(str(m, 'start_after'), pageLimit(m, DEFAULT_LIMIT, MAX_ALL_TOKENS_LIMIT));
    const ids: string[] = [];
    for (let i = 0; i < rows.length; i++) ids.push(rows[i].key);
    return Result.ok<string>(writeTokenIds(ids));
  }
  return fail<string>('Error parsing into type cw721::QueryMsg: unknown variant `' + q + '`');
}

export function query(env: usize, msg: usize): usize {
  return doQuery(env, msg, queryHandler);
}
