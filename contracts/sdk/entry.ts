// Entry-point helpers: a contract's exported instantiate/execute/query/migrate/reply read their Regions through
// these, call the author's handler and turn its Result into the ABI's {"ok": ...} / {"error": "..."}.
import { fromUtf8, consumeRegion, releaseRegion, utf8 } from './region';
import { toBase64 } from './base64';
import { JsonValue, JsonWriter, parseJson, quote } from './json';
import { Result } from './result';
import { Env, MessageInfo, Reply, Response } from './types';

export type InstantiateHandler = (env: Env, info: MessageInfo, msg: JsonValue) => Result<Response>;
export type ExecuteHandler = (env: Env, info: MessageInfo, msg: JsonValue) => Result<Response>;
/** Returns the answer as a JSON document. */
export type QueryHandler = (env: Env, msg: JsonValue) => Result<string>;
export type MigrateHandler = (env: Env, msg: JsonValue) => Result<Response>;
export type ReplyHandler = (env: Env, reply: Reply) => Result<Response>;

function errorResult(message: string): usize {
  return releaseRegion(utf8('{"error":' + quote(message) + '}'));
}

function responseResult(r: Result<Response>): usize {
  if (r.isErr) return errorResult(r.message);
  const w = new JsonWriter();
  w.beginObject().key('ok');
  r.value.write(w);
  w.endObject();
  return releaseRegion(utf8(w.toString()));
}

class Parsed {
  constructor(public value: JsonValue, public error: string) {}
}

function readJson(ptr: usize, what: string): Parsed {
  const p = parseJson(fromUtf8(consumeRegion(ptr)));
  return new Parsed(p.value, p.ok ? '' : 'Error parsing ' + what + ': ' + p.error);
}

export function doInstantiate(envPtr: usize, infoPtr: usize, msgPtr: usize, handler: InstantiateHandler): usize {
  return runWithInfo(envPtr, infoPtr, msgPtr, handler);
}

export function doExecute(envPtr: usize, infoPtr: usize, msgPtr: usize, handler: ExecuteHandler): usize {
  return runWithInfo(envPtr, infoPtr, msgPtr, handler);
}

function runWithInfo(envPtr: usize, infoPtr: usize, msgPtr: usize, handler: (env: Env, info: MessageInfo, msg: JsonValue) => Result<Response>): usize {
  const env = readJson(envPtr, 'env');
  const info = readJson(infoPtr, 'info');
  const msg = readJson(msgPtr, 'message');
  if (env.error.length) return errorResult(env.error);
  if (info.error.length) return errorResult(info.error);
  if (msg.error.length) return errorResult(msg.error);
  return responseResult(handler(Env.fromJson(env.value), MessageInfo.fromJson(info.value), msg.value));
}

export function doQuery(envPtr: usize, msgPtr: usize, handler: QueryHandler): usize {
  const env = readJson(envPtr, 'env');
  const msg = readJson(msgPtr, 'query');
  if (env.error.length) return errorResult(env.error);
  if (msg.error.length) return errorResult(msg.error);
  const r = handler(Env.fromJson(env.value), msg.value);
  if (r.isErr) return errorResult(r.message);
  return releaseRegion(utf8('{"ok":' + quote(toBase64(utf8(r.value))) + '}'));
}

export function doMigrate(envPtr: usize, msgPtr: usize, handler: MigrateHandler): usize {
  const env = readJson(envPtr, 'env');
  const msg = readJson(msgPtr, 'migrate message');
  if (env.error.length) return errorResult(env.error);
  if (msg.error.length) return errorResult(msg.error);
  return responseResult(handler(Env.fromJson(env.value), msg.value));
}

export function doReply(envPtr: usize, replyPtr: usize, handler: ReplyHandler): usize {
  const env = readJson(envPtr, 'env');
  const reply = readJson(replyPtr, 'reply');
  if (env.error.length) return errorResult(env.error);
  if (reply.error.length) return errorResult(reply.error);
  return responseResult(handler(Env.fromJson(env.value), Reply.fromJson(reply.value)));
}

/** The `interface_version_8` marker export. */
export function interface_version_8(): void {}
