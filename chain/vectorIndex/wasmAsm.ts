/**
 * A few WebAssembly instructions as expression builders, so the index's kernels can be written as nested
 * expressions (`i32.add(get(a), i32.const(4))`) instead of flat opcode lists. Each builder returns the
 * instruction bytes with its operands' code in front, which is the stack order WebAssembly evaluates.
 * Only what the kernels use is here; see the WebAssembly core specification for the opcodes.
 */
import { uleb128 } from '../../vm/wasm/writer.js';

export type Code = number[];

export const I32 = 0x7f;
export const I64 = 0x7e;
export const V128 = 0x7b;

/** Signed LEB128 (i32.const immediates). */
export function sleb128(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

export const seq = (...parts: Code[]): Code => parts.flat();
const binary = (opcode: number) => (a: Code, b: Code): Code => seq(a, b, [opcode]);
const compare = binary;
/** memarg: log2 of the alignment, then the constant offset. */
const memarg = (alignLog2: number, offset: number): Code => [alignLog2, ...uleb128(offset)];

export const get = (local: number): Code => [0x20, ...uleb128(local)];
export const set = (local: number, value: Code): Code => seq(value, [0x21, ...uleb128(local)]);
export const tee = (local: number, value: Code): Code => seq(value, [0x22, ...uleb128(local)]);

export const i32 = {
  const: (n: number): Code => [0x41, ...sleb128(n | 0)],
  add: binary(0x6a),
  sub: binary(0x6b),
  mul: binary(0x6c),
  and: binary(0x71),
  or: binary(0x72),
  xor: binary(0x73),
  shl: binary(0x74),
  shrU: binary(0x76),
  eqz: (a: Code): Code => seq(a, [0x45]),
  eq: compare(0x46),
  ne: compare(0x47),
  ltS: compare(0x48),
  ltU: compare(0x49),
  gtS: compare(0x4a),
  leS: compare(0x4c),
  geS: compare(0x4e),
  geU: compare(0x4f),
  load: (addr: Code, offset = 0): Code => seq(addr, [0x28, ...memarg(2, offset)]),
  load8U: (addr: Code, offset = 0): Code => seq(addr, [0x2d, ...memarg(0, offset)]),
  store: (addr: Code, value: Code, offset = 0): Code => seq(addr, value, [0x36, ...memarg(2, offset)]),
  store8: (addr: Code, value: Code, offset = 0): Code => seq(addr, value, [0x3a, ...memarg(0, offset)]),
};

export const i64 = {
  load: (addr: Code, offset = 0): Code => seq(addr, [0x29, ...memarg(3, offset)]),
  store: (addr: Code, value: Code, offset = 0): Code => seq(addr, value, [0x37, ...memarg(3, offset)]),
};

/** Structured control flow; a branch depth counts the enclosing blocks/loops from the innermost (0). */
export const block = (...body: Code[]): Code => seq([0x02, 0x40], ...body, [0x0b]);
export const loop = (...body: Code[]): Code => seq([0x03, 0x40], ...body, [0x0b]);
export const if_ = (cond: Code, then: Code[], otherwise?: Code[]): Code =>
  otherwise ? seq(cond, [0x04, 0x40], ...then, [0x05], ...otherwise, [0x0b]) : seq(cond, [0x04, 0x40], ...then, [0x0b]);
export const br = (depth: number): Code => [0x0c, ...uleb128(depth)];
export const brIf = (depth: number, cond: Code): Code => seq(cond, [0x0d, ...uleb128(depth)]);
export const ret = (value: Code = []): Code => seq(value, [0x0f]);
export const call = (fn: number, ...args: Code[]): Code => seq(...args, [0x10, ...uleb128(fn)]);
export const drop = (value: Code): Code => seq(value, [0x1a]);

/** A function body: locals as runs of [count, type], then the code (an `end` is appended). */
export function funcBody(locals: [number, number][], ...code: Code[]): Code {
  const localBytes = [...uleb128(locals.length), ...locals.flatMap(([n, type]) => [...uleb128(n), type])];
  const body = seq(localBytes, ...code, [0x0b]);
  return [...uleb128(body.length), ...body];
}
