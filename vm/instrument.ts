import binaryen from 'binaryen';
import { VM_INTERNAL_MODULE } from './abi.js';
import { VmError, VmErrorCode } from './errors.js';
import type { GasSchedule } from './gas.js';
import type { VmLimits } from './limits.js';
import { ByteReader } from './wasm/reader.js';
import { uleb128 } from './wasm/writer.js';

/**
 * Instrumentation (binaryen): deterministic gas, a call-depth budget, a memory cap and NaN canonicalisation.
 *
 * Gas. A function body, a loop body and each arm of an `if` is a *region*: straight-line code entered at its
 * start. Each region is charged once, on entry, for every operator it contains outside nested regions
 * (operators inside plain `block`s belong to the enclosing region). Operators are binaryen IR nodes: named
 * blocks, loops, ifs, br, br_if, br_table, call, call_indirect and return cost `controlOperator`, every other
 * node costs `operator`, unnamed blocks cost nothing. A region that is left early (a branch out, a trap) is not
 * refunded, so gas is an upper bound of the operators run, and the same call always costs the same. The
 * charge is `gas -= cost; if (gas < 0) out_of_gas()`, on a mutable i64 global: no host call per region.
 * `memory.grow` costs `memoryGrowPerPage` per page requested, charged only when the grow can succeed.
 *
 * Bulk memory. memory.copy, memory.fill and memory.init are control operators plus `bulkMemoryPerByte` per byte
 * of the length they get at run time. Each becomes a block that evaluates its operands in order into fresh
 * locals, charges, then runs the instruction on those locals (results and traps unchanged; the charge comes
 * first, so a huge length runs out of gas before anything is copied, and an out-of-bounds one traps after
 * paying). The length is a u32 and the per-byte figure small, so the i64 product cannot wrap. data.drop only
 * sets a mutable flag global that memory.init consults (a dropped segment behaves as an empty one): a real
 * drop would outlive the call in a reused instance, while the flag is reset with the other mutable globals.
 *
 * Depth. Each function adds an estimate of its native frame (see frameBytes) to a mutable i32 global on
 * entry and takes it off on every exit; passing `maxStackBytes` calls stack_exceeded(). The budget is far
 * below V8's stack, so the VM's deterministic limit trips before the engine's platform-dependent one.
 */

/** Names of what the instrumentation adds; nothing in a contract can collide with the `__vivian_` prefix. */
export const INSTRUMENTED = Object.freeze({
  gasGlobal: '__vivian_gas',
  stackGlobal: '__vivian_stack',
  memoryExport: '__vivian_memory',
  /** Every mutable global of the contract is exported as `__vivian_global_<index>`, so a reused instance can be reset. */
  globalExportPrefix: '__vivian_global_',
  startExport: '__vivian_start',
  outOfGas: 'out_of_gas',
  stackExceeded: 'stack_exceeded',
});

const OOG_FN = '__vivian_out_of_gas';
const STACK_FN = '__vivian_stack_exceeded';
const GROW_FN = '__vivian_grow';
const DROPPED_PREFIX = '__vivian_data_dropped_';

const BASE_FEATURES = binaryen.Features.MVP | binaryen.Features.MutableGlobals | binaryen.Features.SignExt |
  binaryen.Features.NontrappingFPToInt | binaryen.Features.Multivalue;
/** Enabled only for modules that use bulk memory: binaryen adds a data count section to any module that has it. */
const BULK_FEATURES = binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt;

export interface InstrumentOptions {
  readonly schedule: GasSchedule;
  readonly limits: VmLimits;
  /** Skip gas/depth (used only to measure the instrumentation's overhead). */
  readonly meter?: boolean;
}

/** Estimated native frame of a function: fixed part plus a slot per local and parameter. */
export function frameBytes(params: number, locals: number): number {
  return 64 + 16 * (params + locals);
}

/** The per-expression accessor classes of binaryen.js (Block.getChildAt, If.setIfTrue, ...), untyped in its .d.ts. */
type Accessors = Record<string, (expr: number, ...args: number[]) => number>;
const W = binaryen as unknown as Record<string, Accessors>;

export function instrumentWasm(wasm: Uint8Array, opts: InstrumentOptions): Uint8Array {
  let mod: binaryen.Module;
  try {
    mod = binaryen.readBinary(wasm);
  } catch (err) {
    throw new VmError(VmErrorCode.InvalidWasm, `invalid wasm: ${(err as Error).message}`);
  }
  try {
    const metering = new Metering(mod, opts);
    metering.run();
    mod.setFeatures(metering.usesBulkMemory || hasPassiveSegment(mod) ? BASE_FEATURES | BULK_FEATURES : BASE_FEATURES);
    // NaN canonicalisation: every float result that is NaN becomes 0 (binaryen's DeNaN pass).
    mod.runPasses(['denan']);
    const start = mod.getStart();
    if (start) mod.addFunctionExport(binaryen.getFunctionInfo(start).name, INSTRUMENTED.startExport);
    if (!hasMemoryExport(mod)) mod.addMemoryExport('0', INSTRUMENTED.memoryExport);
    exportMutableGlobals(mod);
    if (!mod.validate()) throw new VmError(VmErrorCode.InvalidWasm, 'invalid wasm: instrumented module does not validate');
    const out = mod.emitBinary();
    return patchBinary(out, opts.limits.maxMemoryPages);
  } finally {
    mod.dispose();
  }
}

/**
 * Memory, the table (immutable: no instruction that changes it passes validation) and mutable globals are an
 * instance's whole state; with the globals exported, the VM can return a used instance to its fresh state.
 */
function exportMutableGlobals(mod: binaryen.Module): void {
  const own = new Set<string>([INSTRUMENTED.gasGlobal, INSTRUMENTED.stackGlobal]);
  for (let i = 0; i < mod.getNumGlobals(); i++) {
    const info = binaryen.getGlobalInfo(mod.getGlobalByIndex(i));
    if (info.mutable && !own.has(info.name)) mod.addGlobalExport(info.name, `${INSTRUMENTED.globalExportPrefix}${i}`);
  }
}

function hasPassiveSegment(mod: binaryen.Module): boolean {
  const count = (mod as unknown as { getNumDataSegments(): number }).getNumDataSegments();
  for (let i = 0; i < count; i++) {
    if (dataSegmentInfo(mod, mod.getDataSegmentByIndex(i)).passive) return true;
  }
  return false;
}

/** binaryen.js 132 has Module#getDataSegmentInfo(ref) (its .d.ts names an older form). */
function dataSegmentInfo(mod: binaryen.Module, segment: unknown): { passive: boolean } {
  return (mod as unknown as { getDataSegmentInfo(s: unknown): { passive: boolean } }).getDataSegmentInfo(segment);
}

function hasMemoryExport(mod: binaryen.Module): boolean {
  for (let i = 0; i < mod.getNumExports(); i++) {
    if (binaryen.getExportInfo(mod.getExportByIndex(i)).kind === binaryen.ExternalMemory) return true;
  }
  return false;
}

/** Binaryen cannot drop a start function or add a memory maximum in place: rewrite those two sections. */
function patchBinary(wasm: Uint8Array, maxPages: number): Uint8Array {
  const parts: Uint8Array[] = [wasm.subarray(0, 8)];
  const r = new ByteReader(wasm, 8);
  while (!r.done) {
    const sectionStart = r.pos;
    const id = r.u8();
    const size = r.u32();
    const body = new ByteReader(wasm, r.pos, r.pos + size);
    r.skip(size);
    if (id === 8) continue; // start: exported instead and called by the VM under gas
    if (id === 5) {
      const count = body.u32();
      body.u8();
      const initial = body.u32();
      if (count !== 1) throw new VmError(VmErrorCode.InvalidWasm, 'invalid wasm: expected one memory');
      const content = [1, 1, ...uleb128(initial), ...uleb128(maxPages)];
      parts.push(Uint8Array.from([5, ...uleb128(content.length), ...content]));
      continue;
    }
    parts.push(wasm.subarray(sectionStart, r.pos));
  }
  return Buffer.concat(parts);
}


type Setter = (e: binaryen.ExpressionRef) => void;

/**
 * Walks every defined function, charging regions and bracketing the body with the depth counter. Unmetered
 * (measurement only), it charges nothing but still rewrites data.drop, which instance reuse depends on.
 */
class Metering {
  private readonly m: binaryen.Module;
  private readonly meter: boolean;
  private readonly s: GasSchedule;
  private readonly limits: VmLimits;
  private func = 0 as binaryen.FunctionRef;
  private frame = 0;
  private results: binaryen.Type = binaryen.none;
  private retLocal = -1;
  /** Per bulk-memory nesting level of the current function, three i32 locals for the operands. */
  private bulkLocals: number[][] = [];
  private bulkDepth = 0;
  /** Data segment name -> the flag global data.drop sets. */
  private readonly droppedFlags = new Map<string, string>();
  usesBulkMemory = false;

  constructor(mod: binaryen.Module, opts: InstrumentOptions) {
    this.m = mod;
    this.s = opts.schedule;
    this.limits = opts.limits;
    this.meter = opts.meter !== false;
  }

  run(): void {
    const m = this.m;
    const funcs: binaryen.FunctionRef[] = [];
    for (let i = 0; i < m.getNumFunctions(); i++) {
      const f = m.getFunctionByIndex(i);
      if (binaryen.getFunctionInfo(f).module === '') funcs.push(f);
    }
    if (!this.meter) {
      for (const f of funcs) {
        this.enterFunction(f);
        let body = binaryen.getFunctionInfo(f).body;
        this.walk(body, (e) => (body = e));
        W.Function.setBody(f, body);
      }
      return;
    }
    m.addGlobal(INSTRUMENTED.gasGlobal, binaryen.i64, true, this.i64(0));
    m.addGlobal(INSTRUMENTED.stackGlobal, binaryen.i32, true, m.i32.const(0));
    m.addGlobalExport(INSTRUMENTED.gasGlobal, INSTRUMENTED.gasGlobal);
    m.addGlobalExport(INSTRUMENTED.stackGlobal, INSTRUMENTED.stackGlobal);
    m.addFunctionImport(OOG_FN, VM_INTERNAL_MODULE, INSTRUMENTED.outOfGas, binaryen.none, binaryen.none);
    m.addFunctionImport(STACK_FN, VM_INTERNAL_MODULE, INSTRUMENTED.stackExceeded, binaryen.none, binaryen.none);
    this.addGrowHelper();
    for (const f of funcs) this.instrumentFunction(f);
  }

  /** `__vivian_grow(pages) -> pages`: charges for pages that can be granted; the engine then grows. */
  private addGrowHelper(): void {
    const m = this.m;
    const pages = () => m.local.get(0, binaryen.i32);
    const body = m.block(null, [
      m.if(
        m.i32.le_u(pages(), m.i32.sub(m.i32.const(this.limits.maxMemoryPages), m.memory.size())),
        this.charge(m.i64.mul(m.i64.extend_u(pages()), this.i64(this.s.memoryGrowPerPage))),
      ),
      pages(),
    ], binaryen.i32);
    m.addFunction(GROW_FN, binaryen.i32, binaryen.i32, [], body);
  }

  private charge(amount: binaryen.ExpressionRef): binaryen.ExpressionRef {
    const m = this.m;
    if (!this.meter) return m.nop();
    const gas = () => m.global.get(INSTRUMENTED.gasGlobal, binaryen.i64);
    return m.block(null, [
      m.global.set(INSTRUMENTED.gasGlobal, m.i64.sub(gas(), amount)),
      m.if(m.i64.lt_s(gas(), this.i64(0)), m.call(OOG_FN, [], binaryen.none)),
    ], binaryen.none);
  }

  private chargeConst(cost: number): binaryen.ExpressionRef {
    return this.charge(this.i64(cost));
  }

  /** binaryen.js 132 takes one bigint for i64.const (its .d.ts still shows the old two-number form). */
  private i64(value: number): binaryen.ExpressionRef {
    return (this.m.i64.const as unknown as (v: bigint) => binaryen.ExpressionRef)(BigInt(value));
  }

  private stackAdjust(delta: number): binaryen.ExpressionRef {
    const m = this.m;
    return m.global.set(
      INSTRUMENTED.stackGlobal,
      m.i32.add(m.global.get(INSTRUMENTED.stackGlobal, binaryen.i32), m.i32.const(delta)),
    );
  }

  private enterFunction(f: binaryen.FunctionRef): void {
    this.func = f;
    this.results = binaryen.getFunctionInfo(f).results;
    this.retLocal = -1;
    this.bulkLocals = [];
    this.bulkDepth = 0;
  }

  private instrumentFunction(f: binaryen.FunctionRef): void {
    const m = this.m;
    const info = binaryen.getFunctionInfo(f);
    this.enterFunction(f);
    const params = binaryen.expandType(info.params).length;
    this.frame = frameBytes(params, info.vars.length);
    let body = info.body;
    const cost = this.walk(body, (e) => (body = e));
    const enter = m.block(null, [
      this.stackAdjust(this.frame),
      m.if(
        m.i32.gt_u(m.global.get(INSTRUMENTED.stackGlobal, binaryen.i32), m.i32.const(this.limits.maxStackBytes)),
        m.call(STACK_FN, [], binaryen.none),
      ),
      this.chargeConst(cost),
    ], binaryen.none);
    let wrapped: binaryen.ExpressionRef;
    if (this.results === binaryen.none) {
      wrapped = m.block(null, [enter, body, this.stackAdjust(-this.frame)], binaryen.none);
    } else {
      const tmp = this.returnLocal();
      wrapped = m.block(null, [
        enter,
        m.local.set(tmp, body),
        this.stackAdjust(-this.frame),
        m.local.get(tmp, this.results),
      ], this.results);
    }
    W.Function.setBody(f, wrapped);
  }

  private returnLocal(): number {
    if (this.retLocal < 0) this.retLocal = this.addLocal(this.results);
    return this.retLocal;
  }

  private addLocal(type: binaryen.Type): number {
    return (binaryen as unknown as { _BinaryenFunctionAddVar(f: number, t: number): number })
      ._BinaryenFunctionAddVar(this.func as unknown as number, type as unknown as number);
  }

  /**
   * memory.copy/fill/init: walks the three operands (a nested bulk operation uses the next level's locals),
   * stores them in this level's locals, charges per byte of the length (the last operand), then runs `expr`
   * with its operands replaced by the locals (or what `perform` builds from them).
   */
  private bulkMemory(
    expr: binaryen.ExpressionRef,
    replace: Setter,
    accessors: Accessors,
    operands: readonly [string, string, string],
    perform?: (locals: readonly number[]) => binaryen.ExpressionRef,
  ): number {
    const m = this.m;
    this.usesBulkMemory = true;
    const level = this.bulkDepth++;
    let cost = this.s.controlOperator;
    const values = operands.map((name) => {
      let value = accessors[`get${name}`]!(expr);
      cost += this.walk(value, (e) => (value = e));
      return value;
    });
    this.bulkDepth--;
    const locals = (this.bulkLocals[level] ??= operands.map(() => this.addLocal(binaryen.i32)));
    operands.forEach((name, i) => accessors[`set${name}`]!(expr, m.local.get(locals[i]!, binaryen.i32)));
    const length = m.i64.extend_u(m.local.get(locals[2]!, binaryen.i32));
    replace(m.block(null, [
      ...values.map((value, i) => m.local.set(locals[i]!, value)),
      this.charge(m.i64.mul(length, this.i64(this.s.bulkMemoryPerByte))),
      perform ? perform(locals) : expr,
    ], binaryen.none));
    return cost;
  }

  /** The flag global standing for "segment dropped": set at start for active segments (instantiation drops them). */
  private droppedFlag(segment: string): string {
    let flag = this.droppedFlags.get(segment);
    if (!flag) {
      flag = `${DROPPED_PREFIX}${this.droppedFlags.size}`;
      const passive = dataSegmentInfo(this.m, this.m.getDataSegment(segment)).passive;
      this.m.addGlobal(flag, binaryen.i32, true, this.m.i32.const(passive ? 0 : 1));
      this.droppedFlags.set(segment, flag);
    }
    return flag;
  }

  /**
   * memory.init on a dropped segment behaves as on an empty one: it traps unless offset and length are 0, and
   * a destination past the end of memory traps as it would (memory.fill of 0 bytes makes that check).
   */
  private memoryInit(expr: binaryen.ExpressionRef, locals: readonly number[]): binaryen.ExpressionRef {
    const m = this.m;
    const get = (i: number) => m.local.get(locals[i]!, binaryen.i32);
    const dropped = m.block(null, [
      // an access at the last address traps as out of bounds: memory never reaches 4 GiB
      m.if(m.i32.or(get(1), get(2)), m.drop(m.i32.load(0, 0, m.i32.const(-1)))),
      m.memory.fill(get(0), m.i32.const(0), m.i32.const(0)),
    ], binaryen.none);
    return m.if(m.global.get(this.droppedFlag(W.MemoryInit!.getSegment!(expr) as unknown as string), binaryen.i32), dropped, expr);
  }

  /** Returns the cost of `expr` within the current region, instrumenting nested regions in place. */
  private walk(expr: binaryen.ExpressionRef, replace: Setter): number {
    if (!expr) return 0;
    const m = this.m;
    const { operator, controlOperator } = this.s;
    const id = binaryen.getExpressionId(expr);
    switch (id) {
      case binaryen.BlockId: {
        let cost = W.Block.getName(expr) ? controlOperator : 0;
        const n = W.Block.getNumChildren(expr);
        for (let i = 0; i < n; i++) {
          cost += this.walk(W.Block.getChildAt(expr, i), (e) => W.Block.setChildAt(expr, i, e));
        }
        return cost;
      }
      case binaryen.LoopId: {
        const body = W.Loop.getBody(expr);
        let newBody = body;
        const inner = this.walk(body, (e) => (newBody = e));
        W.Loop.setBody(expr, this.region(inner, newBody));
        return controlOperator;
      }
      case binaryen.IfId: {
        let cost = controlOperator;
        cost += this.walk(W.If.getCondition(expr), (e) => W.If.setCondition(expr, e));
        for (const arm of ['IfTrue', 'IfFalse'] as const) {
          const armExpr = W.If![`get${arm}`]!(expr);
          if (!armExpr) continue;
          let newArm = armExpr;
          const inner = this.walk(armExpr, (e) => (newArm = e));
          W.If![`set${arm}`]!(expr, this.region(inner, newArm));
        }
        return cost;
      }
      case binaryen.BreakId:
        return controlOperator +
          this.walk(W.Break.getCondition(expr), (e) => W.Break.setCondition(expr, e)) +
          this.walk(W.Break.getValue(expr), (e) => W.Break.setValue(expr, e));
      case binaryen.SwitchId:
        return controlOperator +
          this.walk(W.Switch.getCondition(expr), (e) => W.Switch.setCondition(expr, e)) +
          this.walk(W.Switch.getValue(expr), (e) => W.Switch.setValue(expr, e));
      case binaryen.CallId: {
        let cost = controlOperator;
        const n = W.Call.getNumOperands(expr);
        for (let i = 0; i < n; i++) {
          cost += this.walk(W.Call.getOperandAt(expr, i), (e) => W.Call.setOperandAt(expr, i, e));
        }
        return cost;
      }
      case binaryen.CallIndirectId: {
        let cost = controlOperator +
          this.walk(W.CallIndirect.getTarget(expr), (e) => W.CallIndirect.setTarget(expr, e));
        const n = W.CallIndirect.getNumOperands(expr);
        for (let i = 0; i < n; i++) {
          cost += this.walk(W.CallIndirect.getOperandAt(expr, i), (e) => W.CallIndirect.setOperandAt(expr, i, e));
        }
        return cost;
      }
      case binaryen.ReturnId: {
        const value = W.Return.getValue(expr);
        let newValue = value;
        const cost = controlOperator + this.walk(value, (e) => (newValue = e));
        if (!this.meter) {
          if (value) W.Return.setValue(expr, newValue);
          return cost;
        }
        // Leave the frame after the value is computed (a recursive `return f(n-1)` must still count).
        if (value) {
          const tmp = this.returnLocal();
          replace(m.block(null, [
            m.local.set(tmp, newValue),
            this.stackAdjust(-this.frame),
            m.return(m.local.get(tmp, this.results)),
          ], binaryen.unreachable));
        } else {
          replace(m.block(null, [this.stackAdjust(-this.frame), expr], binaryen.unreachable));
        }
        return cost;
      }
      case binaryen.MemoryGrowId: {
        const delta = W.MemoryGrow.getDelta(expr);
        let newDelta = delta;
        const cost = operator + this.walk(delta, (e) => (newDelta = e));
        W.MemoryGrow.setDelta(expr, this.meter ? m.call(GROW_FN, [newDelta], binaryen.i32) : newDelta);
        return cost;
      }
      case binaryen.MemoryCopyId:
        return this.bulkMemory(expr, replace, W.MemoryCopy!, ['Dest', 'Source', 'Size']);
      case binaryen.MemoryFillId:
        return this.bulkMemory(expr, replace, W.MemoryFill!, ['Dest', 'Value', 'Size']);
      case binaryen.MemoryInitId:
        return this.bulkMemory(expr, replace, W.MemoryInit!, ['Dest', 'Offset', 'Size'], (locals) => this.memoryInit(expr, locals));
      case binaryen.DataDropId:
        this.usesBulkMemory = true;
        replace(m.global.set(this.droppedFlag(W.DataDrop!.getSegment!(expr) as unknown as string), m.i32.const(1)));
        return operator;
      case binaryen.LocalSetId:
        return operator + this.walk(W.LocalSet.getValue(expr), (e) => W.LocalSet.setValue(expr, e));
      case binaryen.GlobalSetId:
        return operator + this.walk(W.GlobalSet.getValue(expr), (e) => W.GlobalSet.setValue(expr, e));
      case binaryen.LoadId:
        return operator + this.walk(W.Load.getPtr(expr), (e) => W.Load.setPtr(expr, e));
      case binaryen.StoreId:
        return operator +
          this.walk(W.Store.getPtr(expr), (e) => W.Store.setPtr(expr, e)) +
          this.walk(W.Store.getValue(expr), (e) => W.Store.setValue(expr, e));
      case binaryen.UnaryId:
        return operator + this.walk(W.Unary.getValue(expr), (e) => W.Unary.setValue(expr, e));
      case binaryen.BinaryId:
        return operator +
          this.walk(W.Binary.getLeft(expr), (e) => W.Binary.setLeft(expr, e)) +
          this.walk(W.Binary.getRight(expr), (e) => W.Binary.setRight(expr, e));
      case binaryen.SelectId:
        return operator +
          this.walk(W.Select.getIfTrue(expr), (e) => W.Select.setIfTrue(expr, e)) +
          this.walk(W.Select.getIfFalse(expr), (e) => W.Select.setIfFalse(expr, e)) +
          this.walk(W.Select.getCondition(expr), (e) => W.Select.setCondition(expr, e));
      case binaryen.DropId:
        return operator + this.walk(W.Drop.getValue(expr), (e) => W.Drop.setValue(expr, e));
      case binaryen.LocalGetId:
      case binaryen.GlobalGetId:
      case binaryen.ConstId:
      case binaryen.MemorySizeId:
      case binaryen.NopId:
      case binaryen.UnreachableId:
        return operator;
      default:
        // Validation admits only the instructions above; anything else is a VM bug, not a contract error.
        throw new VmError(VmErrorCode.InvalidWasm, `invalid wasm: unexpected expression id ${id} during instrumentation`);
    }
  }

  /** A region: its charge, then its code. */
  private region(cost: number, body: binaryen.ExpressionRef): binaryen.ExpressionRef {
    if (!this.meter) return body;
    return this.m.block(null, [this.chargeConst(cost), body], binaryen.getExpressionType(body));
  }
}
