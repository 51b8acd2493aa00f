import { VmError, VmErrorCode } from '../errors.js';
import type { ByteReader } from './reader.js';

/**
 * The instruction set the VM accepts: WebAssembly 1.0 plus mutable globals, sign-extension, saturating
 * float-to-int, multi-value and the memory half of bulk memory (memory.copy/fill/init, data.drop; metered per
 * byte by the instrumentation). Everything else is named and refused, with its location.
 */

export type ValType = 'i32' | 'i64' | 'f32' | 'f64';

const VALTYPES: Record<number, ValType> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64' };

export function forbidden(feature: string, where: string): VmError {
  return new VmError(VmErrorCode.ForbiddenFeature, `forbidden feature: ${feature} ${where}`);
}

/** Reads a value type; refuses v128 (SIMD) and reference types. */
export function readValType(r: ByteReader, where: string): ValType {
  const b = r.u8();
  const t = VALTYPES[b];
  if (t) return t;
  throw forbidden(valTypeFeature(b), where);
}

function valTypeFeature(b: number): string {
  if (b === 0x7b) return 'SIMD value type v128';
  if (b === 0x70 || b === 0x6f) return 'reference types (funcref/externref value)';
  return `GC/typed reference value type 0x${b.toString(16)}`;
}

/** Opcodes (single byte) that belong to a rejected proposal, with the proposal's name. */
const FORBIDDEN_OPCODES: Record<number, string> = {
  0x06: 'exception handling instruction (try)',
  0x07: 'exception handling instruction (catch)',
  0x08: 'exception handling instruction (throw)',
  0x09: 'exception handling instruction (rethrow)',
  0x0a: 'exception handling instruction (throw_ref)',
  0x18: 'exception handling instruction (delegate)',
  0x19: 'exception handling instruction (catch_all)',
  0x1f: 'exception handling instruction (try_table)',
  0x12: 'tail call instruction (return_call)',
  0x13: 'tail call instruction (return_call_indirect)',
  0x14: 'typed function reference instruction (call_ref)',
  0x15: 'typed function reference instruction (return_call_ref)',
  0x1c: 'reference types instruction (typed select)',
  0x25: 'reference types instruction (table.get)',
  0x26: 'reference types instruction (table.set)',
  0xd0: 'reference types instruction (ref.null)',
  0xd1: 'reference types instruction (ref.is_null)',
  0xd2: 'reference types instruction (ref.func)',
  0xd3: 'GC instruction (ref.eq)',
  0xd4: 'typed function reference instruction (ref.as_non_null)',
  0xd5: 'typed function reference instruction (br_on_null)',
  0xd6: 'typed function reference instruction (br_on_non_null)',
  0xfb: 'GC instruction',
  0xfe: 'threads instruction (atomics)',
};

/** 0xfc sub-opcodes of bulk memory that are accepted: their immediates are read by scanExpression. */
const FC_MEMORY_INIT = 8;
const FC_DATA_DROP = 9;
const FC_MEMORY_COPY = 10;
const FC_MEMORY_FILL = 11;

/** The table half of bulk memory and reference types stay refused. */
const FC_FORBIDDEN: Record<number, string> = {
  12: 'bulk memory instruction (table.init)',
  13: 'bulk memory instruction (elem.drop)',
  14: 'bulk memory instruction (table.copy)',
  15: 'reference types instruction (table.grow)',
  16: 'reference types instruction (table.size)',
  17: 'reference types instruction (table.fill)',
};

export function readBlockType(r: ByteReader, where: string): void {
  const b = r.peek();
  if (b === 0x40) {
    r.u8();
    return;
  }
  if (b & 0x40 && !(b & 0x80)) {
    readValType(r, where);
    return;
  }
  if (r.s33() < 0) throw new VmError(VmErrorCode.InvalidWasm, `invalid wasm: bad block type ${where}`);
}

function readMemArg(r: ByteReader, where: string): void {
  const align = r.u32();
  if (align & 0x40) throw forbidden('multi-memory (memory index in load/store)', where);
  r.u32();
}

function memoryIndexZero(r: ByteReader, instruction: string, where: string): void {
  if (r.u32() !== 0) throw forbidden(`multi-memory (memory index in ${instruction})`, where);
}

/** Statistics a code scan collects for the caller. */
export interface CodeScan {
  instructions: number;
}

/**
 * Walks one expression (a function body or a constant initialiser) up to its final `end`, refusing every
 * instruction outside the accepted set. `where` names the location for the error message.
 */
export function scanExpression(r: ByteReader, where: string, constOnly = false): CodeScan {
  let depth = 1;
  let instructions = 0;
  while (depth > 0) {
    const at = r.pos;
    const op = r.u8();
    instructions++;
    const here = `at ${where}, byte offset ${at}`;
    const bad = FORBIDDEN_OPCODES[op];
    if (bad) throw forbidden(bad, here);
    if (constOnly && !(op === 0x0b || op === 0x41 || op === 0x42 || op === 0x43 || op === 0x44 || op === 0x23)) {
      throw new VmError(VmErrorCode.InvalidWasm, `invalid wasm: non-constant instruction 0x${op.toString(16)} ${here}`);
    }
    switch (op) {
      case 0x02: // block
      case 0x03: // loop
      case 0x04: // if
        readBlockType(r, here);
        depth++;
        break;
      case 0x0b: // end
        depth--;
        break;
      case 0x0c: // br
      case 0x0d: // br_if
      case 0x10: // call
      case 0x20: // local.get
      case 0x21: // local.set
      case 0x22: // local.tee
      case 0x23: // global.get
      case 0x24: // global.set
        r.u32();
        break;
      case 0x0e: {
        const n = r.u32();
        for (let i = 0; i <= n; i++) r.u32();
        break;
      }
      case 0x11: // call_indirect typeidx tableidx (any LEB encoding of table 0 is fine)
        r.u32();
        if (r.u32() !== 0) throw forbidden('reference types (call_indirect on a table other than 0)', here);
        break;
      case 0x3f: // memory.size
      case 0x40: // memory.grow
        if (r.u32() !== 0) throw forbidden('multi-memory (memory index)', here);
        break;
      case 0x41:
        r.skipSleb(32);
        break;
      case 0x42:
        r.skipSleb(64);
        break;
      case 0x43:
        r.skip(4);
        break;
      case 0x44:
        r.skip(8);
        break;
      case 0xfc: {
        const sub = r.u32();
        if (sub <= 7) break; // saturating float-to-int
        if (sub === FC_MEMORY_INIT) {
          r.u32(); // data segment (the engine checks it against the data count section)
          memoryIndexZero(r, 'memory.init', here);
          break;
        }
        if (sub === FC_DATA_DROP) {
          r.u32();
          break;
        }
        if (sub === FC_MEMORY_COPY) {
          memoryIndexZero(r, 'memory.copy', here);
          memoryIndexZero(r, 'memory.copy', here);
          break;
        }
        if (sub === FC_MEMORY_FILL) {
          memoryIndexZero(r, 'memory.fill', here);
          break;
        }
        throw forbidden(FC_FORBIDDEN[sub] ?? `unknown instruction 0xfc ${sub}`, here);
      }
      case 0xfd: {
        const sub = r.u32();
        throw forbidden(sub >= 0x100 && sub <= 0x113 ? 'relaxed SIMD instruction' : 'SIMD instruction', here);
      }
      default:
        if (op >= 0x28 && op <= 0x3e) readMemArg(r, here);
        else if (op === 0x00 || op === 0x01 || op === 0x05 || op === 0x0f || op === 0x1a || op === 0x1b) break;
        else if (op >= 0x45 && op <= 0xc4) break; // numeric, including sign-extension (0xc0-0xc4)
        else throw new VmError(VmErrorCode.InvalidWasm, `invalid wasm: unknown instruction 0x${op.toString(16)} ${here}`);
    }
  }
  return { instructions };
}
