// Address helpers and chain queries through the host.
import { addr_canonicalize, addr_humanize, addr_validate, env_debug, query_chain } from './imports';
import { consumeRegion, emptyRegion, fromUtf8, regionOf, utf8 } from './region';
import { fromBase64, toBase64 } from './base64';
import { parseJson, quote } from './json';
import { fail, Result } from './result';
import { Uint128 } from './uint128';

/** Checks a bech32 address of this chain; the error names what is wrong. */
export function addrValidate(human: string): Result<string> {
  const err = addr_validate(<u32>regionOf(utf8(human)));
  if (err != 0) return fail<string>('invalid address ' + human + ': ' + fromUtf8(consumeRegion(err)));
  return Result.ok<string>(human);
}

export function addrCanonicalize(human: string): Result<Uint8Array> {
  const out = emptyRegion(64);
  const err = addr_canonicalize(<u32>regionOf(utf8(human)), <u32>out);
  if (err != 0) return fail<Uint8Array>('invalid address ' + human + ': ' + fromUtf8(consumeRegion(err)));
  return Result.ok<Uint8Array>(consumeRegion(out));
}

export function addrHumanize(canonical: Uint8Array): Result<string> {
  const out = emptyRegion(128);
  const err = addr_humanize(<u32>regionOf(canonical), <u32>out);
  if (err != 0) return fail<string>('cannot humanize address: ' + fromUtf8(consumeRegion(err)));
  return Result.ok<string>(fromUtf8(consumeRegion(out)));
}

export function debug(message: string): void {
  env_debug(<u32>regionOf(utf8(message)));
}

/** Sends a QueryRequest (JSON) to the chain; the answer is the JSON the queried module or contract returned. */
export function queryChain(requestJson: string): Result<string> {
  const ptr = query_chain(<u32>regionOf(utf8(requestJson)));
  const answer = parseJson(fromUtf8(consumeRegion(ptr)));
  if (!answer.ok) return fail<string>('query answer is not JSON: ' + answer.error);
  // SystemResult<ContractResult<Binary>>
  const system = answer.value.get('ok');
  if (system === null) return fail<string>('query failed: ' + fromUtf8(utf8(answer.value.keys.length ? answer.value.keys[0] : 'system error')));
  const err = system.get('error');
  if (err !== null) return fail<string>('query failed: ' + err.text);
  const ok = system.get('ok');
  if (ok === null) return fail<string>('query answer has neither ok nor error');
  const bytes = fromBase64(ok.text);
  if (bytes === null) return fail<string>('query answer is not base64');
  return Result.ok<string>(fromUtf8(bytes));
}

/** A smart query to another contract: its JSON answer. */
export function querySmart(contract: string, msgJson: string): Result<string> {
  return queryChain('{"wasm":{"smart":{"contract_addr":' + quote(contract) + ',"msg":' + quote(toBase64(utf8(msgJson))) + '}}}');
}

/** The bank balance of `address` in `denom`. */
export function queryBalance(address: string, denom: string): Result<Uint128> {
  const r = queryChain('{"bank":{"balance":{"address":' + quote(address) + ',"denom":' + quote(denom) + '}}}');
  if (r.isErr) return r.cast<Uint128>();
  const p = parseJson(r.value);
  const amount = p.value.get('amount');
  if (!p.ok || amount === null) return fail<Uint128>('malformed balance answer');
  const a = Uint128.parse(amount.get('amount') !== null ? amount.get('amount')!.text : '');
  if (a === null) return fail<Uint128>('malformed balance amount');
  return Result.ok<Uint128>(a!);
}
