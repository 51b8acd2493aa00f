// vectorstore: named int8 vector collections with exact top-k search (capability vivian_vector).
//   instantiate {"public": false}                   the sender becomes the owner, the only writer unless public
//   execute {"insert": {"collection", "items": [{"id": "7", "vector": [1, -2, 3]}]}}   all or nothing
//   execute {"remove": {"collection", "ids": ["7"]}}
//   execute {"search": {"collection", "query": [..], "k": 5, "metric": "dot" | "l2"}}  results as the response data
//   query   {"search": {...same...}}                 -> {"results": [{"id": "7", "score": 14}]}
//   query   {"collection": {"collection"}}           -> {"count": "2", "dimension": 3}
import {
  doExecute, doInstantiate, doQuery, Env, fail, invalidInput, Item, JsonKind, JsonValue, JsonWriter, Metric, MessageInfo,
  Response, Result, StringCodec, unauthorized, utf8, VectorCollection, VectorHit,
} from '../sdk/index';
export { allocate, deallocate, interface_version_8, requires_vivian_vector } from '../sdk/index';

const OWNER = new Item<string>('owner', new StringCodec());
/** "true" when anyone may insert and remove */
const PUBLIC = new Item<string>('public', new StringCodec());

// ---- parsing ----

/** A u64 from a decimal string (or a JSON integer). */
function idOf(v: JsonValue | null, what: string): Result<u64> {
  if (v === null || (v.kind != JsonKind.String && v.kind != JsonKind.Number)) return invalidInput<u64>(what + ' must be a decimal u64');
  const s = v.text;
  if (s.length == 0 || s.length > 20) return invalidInput<u64>(what + ' must be a decimal u64');
  let n: u64 = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return invalidInput<u64>(what + ' must be a decimal u64');
    const next = n * 10 + <u64>c;
    if (next / 10 != n) return invalidInput<u64>(what + ' does not fit in u64');
    n = next;
  }
  return Result.ok<u64>(n);
}

/** An int8 vector from a JSON array of integers in -128..127. */
function vectorOf(v: JsonValue | null, what: string): Result<Int8Array> {
  if (v === null || !v.isArray()) return invalidInput<Int8Array>(what + ' must be an array of integers in -128..127');
  const out = new Int8Array(v.items.length);
  for (let i = 0; i < v.items.length; i++) {
    const item = v.items[i];
    const s = item.text;
    let ok = item.kind == JsonKind.Number && s.length > 0 && s.length <= 4;
    for (let j = 0; ok && j < s.length; j++) {
      const c = s.charCodeAt(j);
      ok = (c >= 0x30 && c <= 0x39) || (j == 0 && c == 0x2d && s.length > 1);
    }
    const n = ok ? I32.parseInt(s) : 1000;
    if (n < -128 || n > 127) return invalidInput<Int8Array>(what + '[' + i.toString() + '] is not an integer in -128..127');
    out[i] = <i8>n;
  }
  return Result.ok<Int8Array>(out);
}

function collectionOf(m: JsonValue): Result<VectorCollection> {
  const c = m.get('collection');
  if (c === null || !c.isString()) return invalidInput<VectorCollection>('collection must be a string');
  return Result.ok<VectorCollection>(new VectorCollection(c.text));
}

class SearchRequest {
  constructor(public collection: VectorCollection, public query: Int8Array, public k: u32, public metric: Metric) {}
}

function searchRequest(m: JsonValue): Result<SearchRequest> {
  const c = collectionOf(m);
  if (c.isErr) return c.cast<SearchRequest>();
  const q = vectorOf(m.get('query'), 'query');
  if (q.isErr) return q.cast<SearchRequest>();
  const kv = m.get('k');
  let k: u32 = 10;
  if (kv !== null) {
    const parsed = idOf(kv, 'k');
    if (parsed.isErr || parsed.value > 1000) return invalidInput<SearchRequest>('k must be an integer in 1..1000');
    k = <u32>parsed.value;
  }
  const mv = m.get('metric');
  let metric = Metric.Dot;
  if (mv !== null) {
    if (!mv.isString() || (mv.text != 'dot' && mv.text != 'l2')) return invalidInput<SearchRequest>('metric must be "dot" or "l2"');
    if (mv.text == 'l2') metric = Metric.L2;
  }
  return Result.ok<SearchRequest>(new SearchRequest(c.value, q.value, k, metric));
}

function resultsJson(hits: VectorHit[]): string {
  const w = new JsonWriter().beginObject().key('results').beginArray();
  for (let i = 0; i < hits.length; i++) {
    w.beginObject().key('id').string(hits[i].id.toString()).key('score').number(hits[i].score).endObject();
  }
  return w.endArray().endObject().toString();
}

// ---- entry points ----

function instantiateHandler(env: Env, info: MessageInfo, msg: JsonValue): Result<Response> {
  OWNER.save(info.sender);
  const p = msg.get('public');
  const open = p !== null && p.kind == JsonKind.Bool && p.bool;
  PUBLIC.save(open ? 'true' : 'false');
  return Result.ok<Response>(new Response().addAttribute('action', 'instantiate').addAttribute('owner', info.sender)
    .addAttribute('public', open ? 'true' : 'false'));
}

export function instantiate(env: usize, info: usize, msg: usize): usize {
  return doInstantiate(env, info, msg, instantiateHandler);
}

function insert(m: JsonValue): Result<Response> {
  const c = collectionOf(m);
  if (c.isErr) return c.cast<Response>();
  const items = m.get('items');
  if (items === null || !items.isArray() || items.items.length == 0) return invalidInput<Response>('items must be a non-empty array');
  let added = 0;
  let replaced = 0;
  for (let i = 0; i < items.items.length; i++) {
    const item = items.items[i];
    const where = 'items[' + i.toString() + ']';
    const id = idOf(item.get('id'), where + '.id');
    if (id.isErr) return id.cast<Response>();
    const v = vectorOf(item.get('vector'), where + '.vector');
    if (v.isErr) return v.cast<Response>();
    // an error here fails the whole message: the chain drops the items inserted before it
    const r = c.value.insert(id.value, v.value);
    if (r.isErr) return fail<Response>(where + ': ' + r.message);
    if (r.value) replaced++; else added++;
  }
  return Result.ok<Response>(new Response().addAttribute('action', 'insert').addAttribute('collection', c.value.name)
    .addAttribute('added', added.toString()).addAttribute('replaced', replaced.toString())
    .addAttribute('count', c.value.count().toString()));
}

function remove(m: JsonValue): Result<Response> {
  const c = collectionOf(m);
  if (c.isErr) return c.cast<Response>();
  const ids = m.get('ids');
  if (ids === null || !ids.isArray()) return invalidInput<Response>('ids must be an array');
  let removed = 0;
  for (let i = 0; i < ids.items.length; i++) {
    const id = idOf(ids.items[i], 'ids[' + i.toString() + ']');
    if (id.isErr) return id.cast<Response>();
    if (c.value.remove(id.value)) removed++;
  }
  return Result.ok<Response>(new Response().addAttribute('action', 'remove').addAttribute('collection', c.value.name)
    .addAttribute('removed', removed.toString()).addAttribute('count', c.value.count().toString()));
}

function search(m: JsonValue): Result<string> {
  const req = searchRequest(m);
  if (req.isErr) return req.cast<string>();
  const r = req.value;
  const hits = r.collection.search(r.query, r.k, r.metric);
  if (hits.isErr) return hits.cast<string>();
  return Result.ok<string>(resultsJson(hits.value));
}

function executeHandler(env: Env, info: MessageInfo, msg: JsonValue): Result<Response> {
  const action = msg.variant();
  const m = msg.get(action);
  if (m === null || !m.isObject()) return fail<Response>('Error parsing into type vectorstore::ExecuteMsg: expected one variant object');
  if (action == 'search') {
    const s = search(m);
    if (s.isErr) return s.cast<Response>();
    return Result.ok<Response>(new Response().addAttribute('action', 'search').setData(utf8(s.value)));
  }
  if (PUBLIC.load()! != 'true' && info.sender != OWNER.load()!) return unauthorized<Response>();
  if (action == 'insert') return insert(m);
  if (action == 'remove') return remove(m);
  return fail<Response>('Error parsing into type vectorstore::ExecuteMsg: unknown variant `' + action + '`');
}

export function execute(env: usize, info: usize, msg: usize): usize {
  return doExecute(env, info, msg, executeHandler);
}

function queryHandler(env: Env, msg: JsonValue): Result<string> {
  const q = msg.variant();
  const m = msg.get(q);
  if (m === null || !m.isObject()) return fail<string>('Error parsing into type vectorstore::QueryMsg: expected one variant object');
  if (q == 'search') return search(m);
  if (q == 'collection') {
    const c = collectionOf(m);
    if (c.isErr) return c.cast<string>();
    const w = new JsonWriter().beginObject().key('count').string(c.value.count().toString()).key('dimension').number(c.value.dimension());
    return Result.ok<string>(w.endObject().toString());
  }
  return fail<string>('Error parsing into type vectorstore::QueryMsg: unknown variant `' + q + '`');
}

export function query(env: usize, msg: usize): usize {
  return doQuery(env, msg, queryHandler);
}
