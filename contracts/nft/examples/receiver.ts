// A minimal cw721 receiver: accepts `receive_nft` (the Cw721ReceiveMsg hook send_nft calls) and remembers the
// last one, so a test or an author can see the hook arrive. A hook whose msg decodes to "reject" fails, which
// makes the whole send_nft fail (the token stays where it was).
import {
  doExecute, doInstantiate, doQuery, Env, fail, fromBase64, fromUtf8, Item, JsonValue, JsonWriter, MessageInfo,
  Response, Result, str, StringCodec,
} from '../../sdk/index';
export { allocate, deallocate, interface_version_8 } from '../../sdk/index';

const LAST = new Item<string>('last_received', new StringCodec());

function instantiateHandler(env: Env, info: MessageInfo, msg: JsonValue): Result<Response> {
  return Result.ok<Response>(new Response());
}

function executeHandler(env: Env, info: MessageInfo, msg: JsonValue): Result<Response> {
  const m = msg.get('receive_nft');
  if (m === null) return fail<Response>('this contract only accepts receive_nft');
  const raw = fromBase64(str(m, 'msg'));
  const text = raw === null ? '' : fromUtf8(raw);
  if (text == '"reject"') return fail<Response>('receiver rejected the token');
  const w = new JsonWriter().beginObject().key('nft_contract').string(info.sender).key('sender').string(str(m, 'sender'))
    .key('token_id').string(str(m, 'token_id')).key('msg').string(text).endObject();
  LAST.save(w.toString());
  return Result.ok<Response>(new Response().addAttribute('action', 'receive_nft').addAttribute('token_id', str(m, 'token_id')));
}

function queryHandler(env: Env, msg: JsonValue): Result<string> {
  return Result.ok<string>(LAST.loadOr('null'));
}

export function instantiate(env: usize, info: usize, msg: usize): usize { return doInstantiate(env, info, msg, instantiateHandler); }
export function execute(env: usize, info: usize, msg: usize): usize { return doExecute(env, info, msg, executeHandler); }
export function query(env: usize, msg: usize): usize { return doQuery(env, msg, queryHandler); }
