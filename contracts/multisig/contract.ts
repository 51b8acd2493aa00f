// multisig: cw3-fixed-multisig (a fixed set of weighted voters; absolute count, absolute percentage or
// threshold-with-quorum; proposals carrying CosmosMsgs the contract sends when they pass) on the VIVIAN SDK.
import {
  addressOf, Codec, Decimal, doExecute, doInstantiate, doQuery, Duration, Env, Expiration, fail, invalidInput, Item,
  JsonKind, JsonValue, JsonWriter, Map, Map2, MessageInfo, optionalU64Of, Order, pageLimit, parseJson, RawMsg, Response, Result,
  str, stringify, stringOf, U64Box, U64Codec, u64Of, unauthorized,
} from '../sdk/index';
export { allocate, deallocate, interface_version_8 } from '../sdk/index';

// ---- thresholds (cw-utils Threshold) ----

class Threshold {
  /** 'absolute_count', 'absolute_percentage' or 'threshold_quorum' */
  kind: string = '';
  weight: u64 = 0;
  /** the percentage of absolute_percentage, or the threshold of threshold_quorum */
  percentage: Decimal = Decimal.zero();
  quorum: Decimal = Decimal.zero();

  static parse(v: JsonValue | null): Result<Threshold> {
    const t = new Threshold();
    if (v === null) return invalidInput<Threshold>('threshold is missing');
    const kind = v.variant();
    const body = v.get(kind);
    if (body === null || !body.isObject()) return invalidInput<Threshold>('threshold must be absolute_count, absolute_percentage or threshold_quorum');
    t.kind = kind;
    if (kind == 'absolute_count') {
      const w = u64Of(body, 'weight');
      if (w.isErr) return w.cast<Threshold>();
      t.weight = w.value;
      return Result.ok<Threshold>(t);
    }
    const first = decimalOf(body, kind == 'absolute_percentage' ? 'percentage' : 'threshold');
    if (first.isErr) return first.cast<Threshold>();
    t.percentage = first.value;
    if (kind == 'absolute_percentage') return Result.ok<Threshold>(t);
    if (kind != 'threshold_quorum') return invalidInput<Threshold>('unknown threshold ' + kind);
    const q = decimalOf(body, 'quorum');
    if (q.isErr) return q.cast<Threshold>();
    t.quorum = q.value;
    return Result.ok<Threshold>(t);
  }

  /** cw-utils Threshold::validate against the voters' total weight. */
  validate(totalWeight: u64): Result<bool> {
    if (this.kind == 'absolute_count') {
      if (this.weight == 0) return fail<bool>('Required weight cannot be zero');
      if (this.weight > totalWeight) return fail<bool>('Not possible to reach required (passing) weight');
      return Result.ok<bool>(true);
    }
    if (this.percentage.cmp(Decimal.one()) > 0 || this.percentage.cmp(Decimal.percent(50)) < 0) {
      return fail<bool>('Invalid voting threshold percentage, must be in the 0.5-1.0 range');
    }
    if (this.kind == 'threshold_quorum') {
      if (this.quorum.isZero()) return fail<bool>('Required quorum threshold cannot be zero');
      if (this.quorum.cmp(Decimal.one()) > 0) return fail<bool>('Not possible to reach required quorum threshold');
    }
    return Result.ok<bool>(true);
  }

  /** The stored form, which is also the instantiate form; with totalWeight >= 0 the ThresholdResponse form. */
  write(w: JsonWriter, totalWeight: i64 = -1): void {
    w.beginObject().key(this.kind).beginObject();
    if (this.kind == 'absolute_count') w.key('weight').number(this.weight);
    else if (this.kind == 'absolute_percentage') w.key('percentage').string(this.percentage.toString());
    else w.key('threshold').string(this.percentage.toString()).key('quorum').string(this.quorum.toString());
    if (totalWeight >= 0) w.key('total_weight').number(totalWeight);
    w.endObject().endObject();
  }
}

function decimalOf(m: JsonValue, key: string): Result<Decimal> {
  const v = m.get(key);
  if (v === null || !v.isString()) return invalidInput<Decimal>(key + ' must be a decimal string');
  const d = Decimal.parse(v.text);
  if (d === null) return invalidInput<Decimal>(key + ' is not a valid Decimal: ' + v.text);
  return Result.ok<Decimal>(d!);
}

// ---- proposals (cw3 Proposal) ----

class Votes {
  yes: u64 = 0;
  no: u64 = 0;
  abstain: u64 = 0;
  veto: u64 = 0;
  total(): u64 { return this.yes + this.no + this.abstain + this.veto; }
  add(vote: string, weight: u64): void {
    if (vote == 'yes') this.yes += weight;
    else if (vote == 'no') this.no += weight;
    else if (vote == 'abstain') this.abstain += weight;
    else this.veto += weight;
  }
}

const VOTE_OPTIONS: string[] = ['yes', 'no', 'abstain', 'veto'];

class Proposal {
  title: string = '';
  description: string = '';
  startHeight: u64 = 0;
  expires: Expiration = Expiration.never();
  /** the CosmosMsgs as a JSON array, kept as proposed */
  msgs: string = '[]';
  /** 'open', 'rejected', 'passed' or 'executed' */
  status: string = 'open';
  threshold: Threshold = new Threshold();
  totalWeight: u64 = 0;
  votes: Votes = new Votes();
  proposer: string = '';

  /** Sure to pass, even before expiry, whatever votes are still to come. */
  isPassed(env: Env): bool {
    const t = this.threshold;
    if (t.kind == 'absolute_count') return this.votes.yes >= t.weight;
    if (t.kind == 'absolute_percentage') return this.votes.yes >= t.percentage.mulCeil(this.totalWeight - this.votes.abstain);
    if (this.votes.total() < t.quorum.mulCeil(this.totalWeight)) return false;
    // once expired only cast opinions count; before, every missing vote may still come in against
    const opinions = this.expires.isExpired(env) ? this.votes.total() - this.votes.abstain : this.totalWeight - this.votes.abstain;
    return this.votes.yes >= t.percentage.mulCeil(opinions);
  }

  /** Sure to be rejected, even before expiry. */
  isRejected(env: Env): bool {
    const t = this.threshold;
    if (t.kind == 'absolute_count') return this.votes.no > this.totalWeight - t.weight;
    if (t.kind == 'absolute_percentage') return this.votes.no > t.percentage.oneMinus().mulCeil(this.totalWeight - this.votes.abstain);
    const opinions = this.expires.isExpired(env) ? this.votes.total() - this.votes.abstain : this.totalWeight - this.votes.abstain;
    return this.votes.no > t.percentage.oneMinus().mulCeil(opinions);
  }

  currentStatus(env: Env): string {
    let status = this.status;
    if (status == 'open' && this.isPassed(env)) status = 'passed';
    if (status == 'open' && (this.isRejected(env) || this.expires.isExpired(env))) status = 'rejected';
    return status;
  }

  updateStatus(env: Env): void { this.status = this.currentStatus(env); }
}

class ProposalCodec extends Codec<Proposal> {
  encode(p: Proposal): string {
    const w = new JsonWriter().beginObject().key('title').string(p.title).key('description').string(p.description)
      .key('start_height').number(p.startHeight).key('expires');
    p.expires.write(w);
    w.key('msgs').raw(p.msgs).key('status').string(p.status).key('threshold');
    p.threshold.write(w);
    w.key('total_weight').number(p.totalWeight).key('votes').beginObject().key('yes').number(p.votes.yes)
      .key('no').number(p.votes.no).key('abstain').number(p.votes.abstain).key('veto').number(p.votes.veto).endObject();
    return w.key('proposer').string(p.proposer).key('deposit').null().endObject().toString();
  }
  decode(v: JsonValue): Proposal {
    const p = new Proposal();
    p.title = str(v, 'title');
    p.description = str(v, 'description');
    p.startHeight = U64.parseInt(str(v, 'start_height'));
    p.expires = Expiration.parse(v.get('expires'))!;
    p.msgs = stringify(v.get('msgs')!);
    p.status = str(v, 'status');
    p.threshold = Threshold.parse(v.get('threshold')).value;
    p.totalWeight = U64.parseInt(str(v, 'total_weight'));
    const votes = v.get('votes')!;
    p.votes.yes = U64.parseInt(str(votes, 'yes'));
    p.votes.no = U64.parseInt(str(votes, 'no'));
    p.votes.abstain = U64.parseInt(str(votes, 'abstain'));
    p.votes.veto = U64.parseInt(str(votes, 'veto'));
    p.proposer = str(v, 'proposer');
    return p;
  }
}

class Ballot {
  constructor(public weight: u64, public vote: string) {}
}

class BallotCodec extends Codec<Ballot> {
  encode(b: Ballot): string { return '{"weight":' + b.weight.toString() + ',"vote":"' + b.vote + '"}'; }
  decode(v: JsonValue): Ballot { return new Ballot(U64.parseInt(str(v, 'weight')), str(v, 'vote')); }
}

class Config {
  threshold: Threshold = new Threshold();
  totalWeight: u64 = 0;
  maxVotingPeriod: Duration = new Duration();
}

class ConfigCodec extends Codec<Config> {
  encode(c: Config): string {
    const w = new JsonWriter().beginObject().key('threshold');
    c.threshold.write(w);
    w.key('total_weight').number(c.totalWeight).key('max_voting_period');
    c.maxVotingPeriod.write(w);
    return w.endObject().toString();
  }
  decode(v: JsonValue): Config {
    const c = new Config();
    c.threshold = Threshold.parse(v.get('threshold')).value;
    c.totalWeight = U64.parseInt(str(v, 'total_weight'));
    c.maxVotingPeriod = Duration.parse(v.get('max_voting_period'))!;
    return c;
  }
}

const CONFIG = new Item<Config>('config', new ConfigCodec());
const VOTERS = new Map<U64Box>('voters', new U64Codec());
/** proposals under their id as 20 zero-padded digits, so key order is id order */
const PROPOSALS = new Map<Proposal>('proposals', new ProposalCodec());
const PROPOSAL_COUNT = new Item<U64Box>('proposal_count', new U64Codec());
/** proposal key -> voter -> ballot */
const BALLOTS = new Map2<Ballot>('votes', new BallotCodec());

function idKey(id: u64): string {
  let s = id.toString();
  while (s.length < 20) s = '0' + s;
  return s;
}

function loadProposal(id: u64): Result<Proposal> {
  const p = PROPOSALS.mayLoad(idKey(id));
  if (p === null) return fail<Proposal>('Proposal ' + id.toString() + ' not found');
  return Result.ok<Proposal>(p!);
}

/** How the status appears in event attributes (cw3 writes the Rust Debug name). */
function statusAttribute(status: string): string {
  return status.charAt(0).toUpperCase() + status.substring(1);
}

const MSG_KINDS: string[] = ['bank', 'wasm', 'staking', 'distribution', 'gov', 'ibc', 'stargate', 'any', 'custom'];

/** Each message must be one CosmosMsg variant object; the chain checks the rest when the proposal runs. */
function checkMsgs(msgs: JsonValue | null): Result<string> {
  if (msgs === null || !msgs.isArray()) return invalidInput<string>('msgs must be a list of CosmosMsg');
  for (let i = 0; i < msgs.items.length; i++) {
    const m = msgs.items[i];
    const kind = m.variant();
    if (m.kind != JsonKind.Object || !MSG_KINDS.includes(kind) || !m.get(kind)!.isObject()) {
      return invalidInput<string>('msgs[' + i.toString() + '] is not a CosmosMsg');
    }
  }
  return Result.ok<string>(stringify(msgs));
}

// ---- instantiate ----

function instantiateHandler(env: Env, info: MessageInfo, msg: JsonValue): Result<Response> {
  const voters = msg.get('voters');
  if (voters === null || !voters.isArray()) return invalidInput<Response>('voters must be a list of {addr, weight}');
  if (voters.items.length == 0) return fail<Response>('No voters');
  let total: u64 = 0;
  for (let i = 0; i < voters.items.length; i++) {
    const addr = addressOf(voters.items[i], 'addr');
    if (addr.isErr) return addr.cast<Response>();
    const weight = u64Of(voters.items[i], 'weight');
    if (weight.isErr) return weight.cast<Response>();
    if (VOTERS.has(addr.value)) return invalidInput<Response>('voter ' + addr.value + ' is listed twice');
    VOTERS.save(addr.value, new U64Box(weight.value));
    total += weight.value;
  }
  const threshold = Threshold.parse(msg.get('threshold'));
  if (threshold.isErr) return threshold.cast<Response>();
  const valid = threshold.value.validate(total);
  if (valid.isErr) return valid.cast<Response>();
  const period = Duration.parse(msg.get('max_voting_period'));
  if (period === null) return invalidInput<Response>('max_voting_period must be {"height": blocks} or {"time": seconds}');
  const c = new Config();
  c.threshold = threshold.value;
  c.totalWeight = total;
  c.maxVotingPeriod = period!;
  CONFIG.save(c);
  return Result.ok<Response>(new Response());
}

export function instantiate(env: usize, info: usize, msg: usize): usize {
  return doInstantiate(env, info, msg, instantiateHandler);
}

// ---- execute ----

function propose(env: Env, info: MessageInfo, m: JsonValue): Result<Response> {
  const power = VOTERS.mayLoad(info.sender);
  if (power === null) return unauthorized<Response>();
  const title = stringOf(m, 'title');
  if (title.isErr) return title.cast<Response>();
  const description = stringOf(m, 'description');
  if (description.isErr) return description.cast<Response>();
  const msgs = checkMsgs(m.get('msgs'));
  if (msgs.isErr) return msgs.cast<Response>();
  const cfg = CONFIG.load();
  const maxExpires = cfg.maxVotingPeriod.after(env);
  const latest = m.get('latest');
  let expires = maxExpires;
  if (latest !== null && !latest.isNull()) {
    const e = Expiration.parse(latest);
    if (e === null) return invalidInput<Response>('latest must be never, at_height or at_time');
    const order = e!.compare(maxExpires);
    if (order == 2) return fail<Response>('Wrong expiration option');
    // a later end than the voting period allows is cut to it
    if (order <= 0) expires = e!;
  }
  const p = new Proposal();
  p.title = title.value;
  p.description = description.value;
  p.startHeight = env.block.height;
  p.expires = expires;
  p.msgs = msgs.value;
  p.threshold = cfg.threshold;
  p.totalWeight = cfg.totalWeight;
  p.proposer = info.sender;
  p.votes.yes = power!.value; // the proposer votes yes
  p.updateStatus(env);
  const id = PROPOSAL_COUNT.loadOr(new U64Box(0)).value + 1;
  PROPOSAL_COUNT.save(new U64Box(id));
  PROPOSALS.save(idKey(id), p);
  BALLOTS.save(idKey(id), info.sender, new Ballot(power!.value, 'yes'));
  return Result.ok<Response>(new Response().addAttribute('action', 'propose').addAttribute('sender', info.sender)
    .addAttribute('proposal_id', id.toString()).addAttribute('status', statusAttribute(p.status)));
}

function vote(env: Env, info: MessageInfo, m: JsonValue): Result<Response> {
  const power = VOTERS.mayLoad(info.sender);
  if (power === null || power!.value == 0) return unauthorized<Response>();
  const id = u64Of(m, 'proposal_id');
  if (id.isErr) return id.cast<Response>();
  const choice = str(m, 'vote');
  if (!VOTE_OPTIONS.includes(choice)) return invalidInput<Response>('vote must be yes, no, abstain or veto');
  const loaded = loadProposal(id.value);
  if (loaded.isErr) return loaded.cast<Response>();
  const p = loaded.value;
  // votes still count on a passed or rejected proposal until it expires
  if (p.status != 'open' && p.status != 'passed' && p.status != 'rejected') return fail<Response>('Proposal is not open');
  if (p.expires.isExpired(env)) return fail<Response>('Proposal voting period has expired');
  const key = idKey(id.value);
  if (BALLOTS.has(key, info.sender)) return fail<Response>('Already voted on this proposal');
  BALLOTS.save(key, info.sender, new Ballot(power!.value, choice));
  p.votes.add(choice, power!.value);
  p.updateStatus(env);
  PROPOSALS.save(key, p);
  return Result.ok<Response>(new Response().addAttribute('action', 'vote').addAttribute('sender', info.sender)
    .addAttribute('proposal_id', id.value.toString()).addAttribute('status', statusAttribute(p.status)));
}

function executeProposal(env: Env, info: MessageInfo, m: JsonValue): Result<Response> {
  const id = u64Of(m, 'proposal_id');
  if (id.isErr) return id.cast<Response>();
  const loaded = loadProposal(id.value);
  if (loaded.isErr) return loaded.cast<Response>();
  const p = loaded.value;
  // anyone may execute a passed proposal, also after its voting period
  p.updateStatus(env);
  if (p.status != 'passed') return fail<Response>('Proposal must have passed and not yet been executed');
  p.status = 'executed';
  PROPOSALS.save(idKey(id.value), p);
  const r = new Response().addAttribute('action', 'execute').addAttribute('sender', info.sender)
    .addAttribute('proposal_id', id.value.toString());
  // the stored array was written by this contract from parsed JSON
  const msgs = parseJson(p.msgs).value;
  for (let i = 0; i < msgs.items.length; i++) r.addMessage(new RawMsg(stringify(msgs.items[i])));
  return Result.ok<Response>(r);
}

function close(env: Env, info: MessageInfo, m: JsonValue): Result<Response> {
  const id = u64Of(m, 'proposal_id');
  if (id.isErr) return id.cast<Response>();
  const loaded = loadProposal(id.value);
  if (loaded.isErr) return loaded.cast<Response>();
  const p = loaded.value;
  if (p.status == 'executed' || p.status == 'rejected' || p.status == 'passed') return fail<Response>('Cannot close completed or passed proposals');
  if (p.currentStatus(env) == 'passed') return fail<Response>('Cannot close completed or passed proposals');
  if (!p.expires.isExpired(env)) return fail<Response>('Proposal must expire before you can close it');
  p.status = 'rejected';
  PROPOSALS.save(idKey(id.value), p);
  return Result.ok<Response>(new Response().addAttribute('action', 'close').addAttribute('sender', info.sender)
    .addAttribute('proposal_id', id.value.toString()));
}

function executeHandler(env: Env, info: MessageInfo, msg: JsonValue): Result<Response> {
  const action = msg.variant();
  const m = msg.get(action);
  if (m === null || !m.isObject()) return fail<Response>('Error parsing into type cw3::ExecuteMsg: expected one variant object');
  if (action == 'propose') return propose(env, info, m);
  if (action == 'vote') return vote(env, info, m);
  if (action == 'execute') return executeProposal(env, info, m);
  if (action == 'close') return close(env, info, m);
  return fail<Response>('Error parsing into type cw3::ExecuteMsg: unknown variant `' + action + '`');
}

export function execute(env: usize, info: usize, msg: usize): usize {
  return doExecute(env, info, msg, executeHandler);
}

// ---- query ----

const DEFAULT_LIMIT: i32 = 10;
const MAX_LIMIT: i32 = 30;

function writeProposal(w: JsonWriter, env: Env, id: u64, p: Proposal): void {
  w.beginObject().key('id').number(id).key('title').string(p.title).key('description').string(p.description)
    .key('msgs').raw(p.msgs).key('status').string(p.currentStatus(env)).key('expires');
  p.expires.write(w);
  w.key('threshold');
  p.threshold.write(w, <i64>p.totalWeight);
  w.key('proposer').string(p.proposer).key('deposit').null().endObject();
}

function listProposals(env: Env, m: JsonValue, order: Order): Result<string> {
  const bound = optionalU64Of(m, order == Order.Ascending ? 'start_after' : 'start_before');
  if (bound.isErr) return bound.cast<string>();
  const rows = PROPOSALS.range(bound.value < 0 ? '' : idKey(<u64>bound.value), pageLimit(m, DEFAULT_LIMIT, MAX_LIMIT), order);
  const w = new JsonWriter().beginObject().key('proposals').beginArray();
  for (let i = 0; i < rows.length; i++) writeProposal(w, env, U64.parseInt(rows[i].key), rows[i].value);
  return Result.ok<string>(w.endArray().endObject().toString());
}

function writeVoteInfo(w: JsonWriter, id: u64, voter: string, b: Ballot): void {
  w.beginObject().key('proposal_id').number(id).key('voter').string(voter).key('vote').string(b.vote)
    .key('weight').number(b.weight).endObject();
}

function queryHandler(env: Env, msg: JsonValue): Result<string> {
  const q = msg.variant();
  const m = msg.get(q);
  if (m === null || !m.isObject()) return fail<string>('Error parsing into type cw3::QueryMsg: expected one variant object');
  if (q == 'threshold') {
    const c = CONFIG.load();
    const w = new JsonWriter();
    c.threshold.write(w, <i64>c.totalWeight);
    return Result.ok<string>(w.toString());
  }
  if (q == 'proposal') {
    const id = u64Of(m, 'proposal_id');
    if (id.isErr) return id.cast<string>();
    const p = loadProposal(id.value);
    if (p.isErr) return p.cast<string>();
    const w = new JsonWriter();
    writeProposal(w, env, id.value, p.value);
    return Result.ok<string>(w.toString());
  }
  if (q == 'list_proposals') return listProposals(env, m, Order.Ascending);
  if (q == 'reverse_proposals') return listProposals(env, m, Order.Descending);
  if (q == 'vote') {
    const id = u64Of(m, 'proposal_id');
    if (id.isErr) return id.cast<string>();
    const voter = addressOf(m, 'voter');
    if (voter.isErr) return voter.cast<string>();
    const b = BALLOTS.mayLoad(idKey(id.value), voter.value);
    const w = new JsonWriter().beginObject().key('vote');
    if (b === null) w.null(); else writeVoteInfo(w, id.value, voter.value, b!);
    return Result.ok<string>(w.endObject().toString());
  }
  if (q == 'list_votes') {
    const id = u64Of(m, 'proposal_id');
    if (id.isErr) return id.cast<string>();
    const rows = BALLOTS.prefixRange(idKey(id.value), str(m, 'start_after'), pageLimit(m, DEFAULT_LIMIT, MAX_LIMIT));
    const w = new JsonWriter().beginObject().key('votes').beginArray();
    for (let i = 0; i < rows.length; i++) writeVoteInfo(w, id.value, rows[i].key, rows[i].value);
    return Result.ok<string>(w.endArray().endObject().toString());
  }
  if (q == 'voter') {
    const a = addressOf(m, 'address');
    if (a.isErr) return a.cast<string>();
    const weight = VOTERS.mayLoad(a.value);
    return Result.ok<string>('{"weight":' + (weight === null ? 'null' : weight!.value.toString()) + '}');
  }
  if (q == 'list_voters') {
    const rows = VOTERS.range(str(m, 'start_after'), pageLimit(m, DEFAULT_LIMIT, MAX_LIMIT));
    const w = new JsonWriter().beginObject().key('voters').beginArray();
    for (let i = 0; i < rows.length; i++) w.beginObject().key('addr').string(rows[i].key).key('weight').number(rows[i].value.value).endObject();
    return Result.ok<string>(w.endArray().endObject().toString());
  }
  return fail<string>('Error parsing into type cw3::QueryMsg: unknown variant `' + q + '`');
}

export function query(env: usize, msg: usize): usize {
  return doQuery(env, msg, queryHandler);
}
