import {
  CAPABILITY_PREFIX,
  ENTRY_POINTS,
  ENV_IMPORTS,
  EXPORT_SIGNATURES,
  INTERFACE_VERSION_PREFIX,
  REQUIRED_EXPORTS,
  SUPPORTED_INTERFACE_VERSIONS,
  type EntryPoint,
} from './abi.js';
import { VmError, VmErrorCode } from './errors.js';
import { VECTOR_CAPABILITY, VECTOR_IMPORTS } from './imports/vector.js';
import type { VmLimits } from './limits.js';
import { forbidden, readValType, scanExpression, type ValType } from './wasm/features.js';
import { ByteReader } from './wasm/reader.js';

/** What upload validation learnt about a module (CosmWasm's AnalysisReport, plus sizes). */
export interface ModuleReport {
  /** `env` imports the module uses, sorted. */
  readonly imports: readonly string[];
  /** Exported function names, sorted. */
  readonly exports: readonly string[];
  readonly entryPoints: readonly EntryPoint[];
  /** From `requires_<capability>` exports, sorted. */
  readonly requiredCapabilities: readonly string[];
  readonly functionCount: number;
  readonly initialMemoryPages: number;
  readonly hasStart: boolean;
  /** The `cw_migrate_version` custom section, if present. */
  readonly migrateVersion?: bigint;
}

interface FuncType {
  params: ValType[];
  results: ValType[];
}

/** The signature of an `env` import the VM provides (own keys only: "toString" is not an import). */
function envSignature(field: string): string | undefined {
  if (Object.hasOwn(ENV_IMPORTS, field)) return ENV_IMPORTS[field];
  return Object.hasOwn(VECTOR_IMPORTS, field) ? VECTOR_IMPORTS[field] : undefined;
}

const sig = (t: FuncType) => `${t.params.join(',')}->${t.results.join(',')}`;

function limit(message: string): VmError {
  return new VmError(VmErrorCode.LimitExceeded, message);
}

const SECTION_NAMES = [
  'custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data',
];

/**
 * Upload validation: the static checks CosmWasm makes (packages/vm/src/compatibility.rs) plus a walk of
 * every instruction that refuses non-deterministic or unsupported features by name and location. The
 * engine's own validation (types, stack discipline) runs afterwards, in the compiler.
 */
export function validateWasm(wasm: Uint8Array, limits: VmLimits, capabilities: ReadonlySet<string>): ModuleReport {
  if (wasm.length > limits.maxWasmBytes) {
    throw limit(`wasm code is ${wasm.length} bytes, more than the limit of ${limits.maxWasmBytes}`);
  }
  if (wasm.length < 8 || wasm[0] !== 0 || wasm[1] !== 0x61 || wasm[2] !== 0x73 || wasm[3] !== 0x6d) {
    throw new VmError(VmErrorCode.InvalidWasm, 'invalid wasm: missing the \\0asm magic header');
  }
  if (wasm[4] !== 1 || wasm[5] !== 0 || wasm[6] !== 0 || wasm[7] !== 0) {
    throw new VmError(VmErrorCode.InvalidWasm, 'invalid wasm: unsupported binary version (only version 1; components are refused)');
  }

  const r = new ByteReader(wasm, 8);
  const types: FuncType[] = [];
  const funcTypes: number[] = []; // type index per function, imports first
  const importNames = new Set<string>();
  let importedFuncs = 0;
  let memories = 0;
  let initialMemoryPages = 0;
  let tables = 0;
  let hasStart = false;
  const exportedFuncs = new Map<string, number>();
  let migrateVersion: bigint | undefined;
  let definedFuncs = 0;
  let totalParams = 0;
  let totalLocals = 0;
  let lastId = 0;

  const exportNameOf = (funcIndex: number): string => {
    for (const [name, idx] of exportedFuncs) if (idx === funcIndex) return ` ("${name}")`;
    return '';
  };

  while (!r.done) {
    const id = r.u8();
    const size = r.u32();
    const body = new ByteReader(wasm, r.pos, r.pos + size);
    if (body.end > wasm.length) throw new VmError(VmErrorCode.InvalidWasm, `invalid wasm: section ${id} runs past the end`);
    r.skip(size);
    if (id === 13) throw forbidden('exception handling (tag section)', 'in the module');
    if (id > 12) throw new VmError(VmErrorCode.InvalidWasm, `invalid wasm: unknown section id ${id}`);
    // The data count section (12) sits between function (3) and code (10); bulk memory's memory.init and
    // data.drop need it.
    const rank = id === 12 ? 9.5 : id;
    if (id !== 0) {
      if (rank <= lastId) throw new VmError(VmErrorCode.InvalidWasm, `invalid wasm: section ${SECTION_NAMES[id]} out of order`);
      lastId = rank;
    }
    switch (id) {
      case 0: {
        const name = body.name();
        if (name === 'cw_migrate_version') {
          const text = new TextDecoder().decode(body.slice(body.end - body.pos));
          if (!/^[0-9]{1,20}$/.test(text)) {
            throw new VmError(VmErrorCode.InvalidWasm, `invalid wasm: cw_migrate_version "${text}" is not an integer`);
          }
          migrateVersion = BigInt(text);
        }
        break;
      }
      case 1: {
        const n = body.u32();
        for (let i = 0; i < n; i++) {
          const form = body.u8();
          if (form !== 0x60) throw forbidden(`GC type definition (form 0x${form.toString(16)})`, `in type ${i}`);
          const params: ValType[] = [];
          const results: ValType[] = [];
          const np = body.u32();
          for (let j = 0; j < np; j++) params.push(readValType(body, `in type ${i}`));
          const nr = body.u32();
          for (let j = 0; j < nr; j++) results.push(readValType(body, `in type ${i}`));
          if (params.length > limits.maxFunctionParams) {
            throw limit(`type ${i} has ${params.length} parameters, more than the limit of ${limits.maxFunctionParams}`);
          }
          if (results.length > limits.maxFunctionResults) {
            throw limit(`type ${i} has ${results.length} results, more than the limit of ${limits.maxFunctionResults}`);
          }
          types.push({ params, results });
        }
        break;
      }
      case 2: {
        const n = body.u32();
        if (n > limits.maxImports) throw limit(`the module has ${n} imports, more than the limit of ${limits.maxImports}`);
        const unsupported: string[] = [];
        for (let i = 0; i < n; i++) {
          const module = body.name();
          const field = body.name();
          const full = `${module}.${field}`;
          if (field === '' && (body.peek() === 0x7e || body.peek() === 0x7f)) {
            throw forbidden('compact import section encoding', 'in the import section');
          }
          const kind = body.u8();
          if (kind !== 0) {
            throw new VmError(VmErrorCode.UnsupportedImport, `unsupported import "${full}": only function imports are allowed (this is a ${['function', 'table', 'memory', 'global', 'tag'][kind] ?? 'unknown'} import)`);
          }
          const typeIdx = body.u32();
          const t = types[typeIdx];
          if (!t) throw new VmError(VmErrorCode.InvalidWasm, `invalid wasm: import "${full}" uses unknown type ${typeIdx}`);
          const expected = module === 'env' ? envSignature(field) : undefined;
          if (expected === undefined) unsupported.push(full);
          else if (sig(t) !== expected) {
            throw new VmError(VmErrorCode.UnsupportedImport, `import "${full}" has signature (${sig(t)}), expected (${expected})`);
          }
          importNames.add(field);
          funcTypes.push(typeIdx);
          importedFuncs++;
        }
        if (unsupported.length > 0) {
          throw new VmError(VmErrorCode.UnsupportedImport, `unsupported imports: ${unsupported.map((s) => `"${s}"`).join(', ')}; the VM provides env.${[...Object.keys(ENV_IMPORTS), ...Object.keys(VECTOR_IMPORTS)].join(', env.')}`);
        }
        break;
      }
      case 3: {
        const n = body.u32();
        if (n + importedFuncs > limits.maxFunctions) {
          throw limit(`the module has ${n + importedFuncs} functions, more than the limit of ${limits.maxFunctions}`);
        }
        for (let i = 0; i < n; i++) {
          const typeIdx = body.u32();
          const t = types[typeIdx];
          if (!t) throw new VmError(VmErrorCode.InvalidWasm, `invalid wasm: function ${importedFuncs + i} uses unknown type ${typeIdx}`);
          totalParams += t.params.length;
          funcTypes.push(typeIdx);
        }
        if (totalParams > limits.maxTotalFunctionParams) {
          throw limit(`the module's functions have ${totalParams} parameters in total, more than the limit of ${limits.maxTotalFunctionParams}`);
        }
        break;
      }
      case 4: {
        const n = body.u32();
        tables += n;
        if (tables > 1) throw forbidden('reference types (more than one table)', 'in the module');
        for (let i = 0; i < n; i++) {
          const elemType = body.u8();
          if (elemType !== 0x70) throw forbidden('reference types (table of externref)', `in table ${i}`);
          const flags = body.u8();
          if (flags > 1) throw forbidden('threads or table64 (table limit flags)', `in table ${i}`);
          body.u32();
          if (flags !== 1) throw limit('the table has no maximum size; set one of at most ' + limits.maxTableElements);
          const max = body.u32();
          if (max > limits.maxTableElements) throw limit(`the table's maximum is ${max} entries, more than the limit of ${limits.maxTableElements}`);
        }
        break;
      }
      case 5: {
        const n = body.u32();
        memories += n;
        for (let i = 0; i < n; i++) {
          const flags = body.u8();
          if (flags & 0x02) throw forbidden('threads (shared memory)', `in memory ${i}`);
          if (flags & 0x04) throw forbidden('memory64', `in memory ${i}`);
          if (flags > 1) throw new VmError(VmErrorCode.InvalidWasm, `invalid wasm: memory ${i} has unknown limit flags ${flags}`);
          initialMemoryPages = body.u32();
          if (flags === 1) throw limit('the memory sets a maximum; leave it unset, the VM caps memory at ' + limits.maxMemoryPages + ' pages (32 MiB)');
          if (initialMemoryPages > limits.maxInitialMemoryPages) {
            throw limit(`the memory starts with ${initialMemoryPages} pages, more than the limit of ${limits.maxInitialMemoryPages}`);
          }
        }
        break;
      }
      case 6: {
        const n = body.u32();
        for (let i = 0; i < n; i++) {
          readValType(body, `in global ${i}`);
          const mut = body.u8();
          if (mut > 1) throw new VmError(VmErrorCode.InvalidWasm, `invalid wasm: global ${i} has bad mutability ${mut}`);
          scanExpression(body, `global ${i} initialiser`, true);
        }
        break;
      }
      case 7: {
        const n = body.u32();
        for (let i = 0; i < n; i++) {
          const name = body.name();
          const kind = body.u8();
          const index = body.u32();
          if (kind === 0) exportedFuncs.set(name, index);
        }
        break;
      }
      case 8:
        body.u32();
        hasStart = true;
        break;
      case 9: {
        const n = body.u32();
        for (let i = 0; i < n; i++) {
          const flags = body.u32();
          if (flags === 2) {
            if (body.u32() !== 0) throw forbidden('reference types (element segment for a table other than 0)', `in element segment ${i}`);
          } else if (flags !== 0) {
            throw forbidden(`bulk memory / reference types (element segment kind ${flags})`, `in element segment ${i}`);
          }
          scanExpression(body, `element segment ${i} offset`, true);
          if (flags === 2 && body.u8() !== 0) throw forbidden('reference types (element kind)', `in element segment ${i}`);
          const m = body.u32();
          for (let j = 0; j < m; j++) body.u32();
        }
        break;
      }
      case 10: {
        const n = body.u32();
        definedFuncs = n;
        if (importedFuncs + n !== funcTypes.length) {
          throw new VmError(VmErrorCode.InvalidWasm, 'invalid wasm: function and code section counts differ');
        }
        for (let i = 0; i < n; i++) {
          const funcIndex = importedFuncs + i;
          const size = body.u32();
          const fr = new ByteReader(wasm, body.pos, body.pos + size);
          body.skip(size);
          const where = `function ${funcIndex}${exportNameOf(funcIndex)}`;
          let locals = 0;
          const groups = fr.u32();
          for (let g = 0; g < groups; g++) {
            const count = fr.u32();
            readValType(fr, `in the locals of ${where}`);
            locals += count;
            if (locals > limits.maxFunctionLocals) {
              throw limit(`${where} has more than ${limits.maxFunctionLocals} locals`);
            }
          }
          totalLocals += locals;
          if (totalLocals > limits.maxTotalFunctionLocals) {
            throw limit(`the module's functions have more than ${limits.maxTotalFunctionLocals} locals in total`);
          }
          scanExpression(fr, where);
          if (!fr.done) throw new VmError(VmErrorCode.InvalidWasm, `invalid wasm: ${where} has bytes after its final end`);
        }
        break;
      }
      case 12:
        body.u32();
        break;
      case 11: {
        const n = body.u32();
        for (let i = 0; i < n; i++) {
          const flags = body.u32();
          if (flags === 2 && body.u32() !== 0) throw forbidden('multi-memory (data segment for memory other than 0)', `in data segment ${i}`);
          if (flags > 2) throw new VmError(VmErrorCode.InvalidWasm, `invalid wasm: data segment ${i} has unknown flags ${flags}`);
          // a passive segment (flags 1, bulk memory) has no offset: memory.init copies from it at run time
          if (flags !== 1) scanExpression(body, `data segment ${i} offset`, true);
          body.skip(body.u32());
        }
        break;
      }
    }
    if (id !== 0 && !body.done) {
      throw new VmError(VmErrorCode.InvalidWasm, `invalid wasm: ${SECTION_NAMES[id]} section has trailing bytes`);
    }
  }

  if (definedFuncs !== funcTypes.length - importedFuncs) {
    throw new VmError(VmErrorCode.InvalidWasm, 'invalid wasm: functions declared without a code section');
  }
  if (memories !== 1) {
    throw new VmError(VmErrorCode.LimitExceeded, `the module must define exactly one memory, it defines ${memories}`);
  }

  // Exports: the interface version marker, allocate/deallocate, entry points with their signatures.
  const names = [...exportedFuncs.keys()].sort();
  const versions = names.filter((n) => n.startsWith(INTERFACE_VERSION_PREFIX));
  if (versions.length === 0) {
    throw new VmError(VmErrorCode.InvalidExports, `missing the marker export ${SUPPORTED_INTERFACE_VERSIONS[0]}`);
  }
  if (versions.length > 1) {
    throw new VmError(VmErrorCode.InvalidExports, `more than one interface_version_* marker export: ${versions.join(', ')}`);
  }
  if (!(SUPPORTED_INTERFACE_VERSIONS as readonly string[]).includes(versions[0]!)) {
    throw new VmError(VmErrorCode.InvalidExports, `unsupported interface version ${versions[0]}; supported: ${SUPPORTED_INTERFACE_VERSIONS.join(', ')}`);
  }
  for (const required of REQUIRED_EXPORTS) {
    if (!exportedFuncs.has(required)) {
      throw new VmError(VmErrorCode.InvalidExports, `missing the required export "${required}" (required: ${REQUIRED_EXPORTS.join(', ')})`);
    }
  }
  for (const [name, expected] of Object.entries(EXPORT_SIGNATURES)) {
    const idx = exportedFuncs.get(name);
    if (idx === undefined) continue;
    const t = types[funcTypes[idx] ?? -1];
    if (!t) throw new VmError(VmErrorCode.InvalidWasm, `invalid wasm: export "${name}" names unknown function ${idx}`);
    if (sig(t) !== expected) {
      throw new VmError(VmErrorCode.InvalidExports, `export "${name}" has signature (${sig(t)}), expected (${expected})`);
    }
  }
  const requiredCapabilities = names
    .filter((n) => n.startsWith(CAPABILITY_PREFIX))
    .map((n) => n.slice(CAPABILITY_PREFIX.length))
    .sort();
  // The vector imports exist for every contract (instantiation never depends on imports), but only a contract
  // that declares the capability may use them, so a chain without it refuses such code at upload.
  const vectorImports = [...importNames].filter((n) => Object.hasOwn(VECTOR_IMPORTS, n)).sort();
  if (vectorImports.length > 0 && !requiredCapabilities.includes(VECTOR_CAPABILITY)) {
    throw new VmError(VmErrorCode.UnavailableCapability, `the contract imports env.${vectorImports.join(', env.')} without declaring the capability: export requires_${VECTOR_CAPABILITY}`);
  }
  const missing = requiredCapabilities.filter((c) => !capabilities.has(c));
  if (missing.length > 0) {
    throw new VmError(VmErrorCode.UnavailableCapability, `the contract requires capabilities this chain does not offer: ${missing.join(', ')}`);
  }

  return {
    imports: [...importNames].sort(),
    exports: names,
    entryPoints: ENTRY_POINTS.filter((e) => exportedFuncs.has(e)),
    requiredCapabilities,
    functionCount: funcTypes.length,
    initialMemoryPages,
    hasStart,
    ...(migrateVersion !== undefined ? { migrateVersion } : {}),
  };
}
