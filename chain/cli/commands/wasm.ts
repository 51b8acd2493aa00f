import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { CosmWasmClient } from '@cosmjs/cosmwasm-stargate';
import type { GeneratedType } from '@cosmjs/proto-signing';
import type { IndexedTx } from '@cosmjs/stargate';
import {
  MsgExecuteContract,
  MsgExecuteContractResponse,
  MsgInstantiateContract,
  MsgInstantiateContractResponse,
  MsgMigrateContract,
  MsgMigrateContractResponse,
  MsgStoreCode,
  MsgStoreCodeResponse,
} from 'cosmjs-types/cosmwasm/wasm/v1/tx';
import { parseAddress } from '../../crypto/addresses.js';
import { coinsToWire, parseCoinsString } from '../../types/coins.js';
import { CliError, parseOutput, print } from '../io.js';
import { committedTxView, nodeFlags, signAndBroadcast, txFlags, type TxFlags } from './client.js';
import { openKeyring } from './keys.js';

const te = new TextEncoder();

/** The CosmWasm messages the CLI signs, for the signing client's registry. */
const WASM_TYPES: ReadonlyArray<[string, GeneratedType]> = [
  ['/cosmwasm.wasm.v1.MsgStoreCode', MsgStoreCode],
  ['/cosmwasm.wasm.v1.MsgInstantiateContract', MsgInstantiateContract],
  ['/cosmwasm.wasm.v1.MsgExecuteContract', MsgExecuteContract],
  ['/cosmwasm.wasm.v1.MsgMigrateContract', MsgMigrateContract],
];

/** A JSON message argument: checked here so a typo is named before anything is signed. Returns its bytes. */
export function jsonMsgArg(what: string, text: string): Uint8Array {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${what} is not valid JSON: ${(e as Error).message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new CliError(`${what} must be a JSON object, got ${JSON.stringify(text)}`);
  return te.encode(text);
}

export function codeIdArg(text: string): bigint {
  if (!/^[0-9]{1,19}$/.test(text) || BigInt(text) === 0n) throw new CliError(`code id must be a positive integer, got ${JSON.stringify(text)}`);
  return BigInt(text);
}

export function contractArg(text: string): string {
  try {
    parseAddress(text);
  } catch (e) {
    throw new CliError(`invalid contract address ${JSON.stringify(text)}: ${(e as Error).message}`);
  }
  return text;
}

/** A raw storage key given as hex (when it reads as hex) or base64; --encoding picks one explicitly. */
export function rawKeyArg(text: string, encoding?: string): Uint8Array {
  const hex = /^(?:[0-9a-fA-F]{2})+$/.test(text);
  const enc = encoding ?? (hex ? 'hex' : 'base64');
  if (enc === 'hex') {
    if (!hex) throw new CliError(`key ${JSON.stringify(text)} is not hex`);
    return Buffer.from(text, 'hex');
  }
  if (enc === 'base64') {
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) throw new CliError(`key ${JSON.stringify(text)} is neither hex nor base64`);
    return Buffer.from(text, 'base64');
  }
  if (enc === 'utf8') return te.encode(text);
  throw new CliError(`--encoding must be hex, base64 or utf8, got ${JSON.stringify(enc)}`);
}

function amountArg(text: string | undefined) {
  return text === undefined ? [] : coinsToWire(parseCoinsString(text));
}

/** The response of the tx's first message, decoded (the tx must have succeeded). */
function firstResponse<T>(tx: IndexedTx, decode: (b: Uint8Array) => T): T | undefined {
  const r = tx.code === 0 ? tx.msgResponses[0] : undefined;
  return r ? decode(r.value) : undefined;
}

/** Prints the committed tx and what its message returned; a failed tx (code != 0) exits 1 with its log printed. */
function report(tx: IndexedTx, output: string, extra: Record<string, unknown>): void {
  print({ ...committedTxView(tx), ...(tx.code === 0 ? extra : {}) }, parseOutput(output));
  if (tx.code !== 0) process.exitCode = 1;
}

const b64 = (b: Uint8Array | undefined) => (b && b.length ? Buffer.from(b).toString('base64') : null);

async function connectWasm(url: string): Promise<CosmWasmClient> {
  try {
    // loaded on use: the CLI's other commands start without it
    const { CosmWasmClient } = await import('@cosmjs/cosmwasm-stargate');
    return await CosmWasmClient.connect(url);
  } catch (e) {
    throw new CliError(`cannot reach the node at ${url}: ${(e as Error).message}`);
  }
}

/** Runs a query; the node's error (unknown contract, contract error…) becomes the CLI's one-line error. */
async function withWasm<T>(url: string, q: (c: CosmWasmClient) => Promise<T>): Promise<T> {
  const c = await connectWasm(url);
  try {
    return await q(c);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError((e as Error).message);
  } finally {
    c.disconnect();
  }
}

function registerTx(tx: Command): void {
  const wasm = tx.command('wasm').description('CosmWasm contract transactions');
  const from = (cmd: Command) => txFlags(cmd.requiredOption('--from <key>', 'keyring key that signs and pays'));

  from(wasm.command('store <file>').description('upload a contract (.wasm, gzipped before sending); prints the code id and checksum')).action(
    async (file: string, o: TxFlags & { from: string }) => {
      let code: Uint8Array;
      try {
        code = readFileSync(file);
      } catch (e) {
        throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
      }
      const isGzip = code[0] === 0x1f && code[1] === 0x8b;
      if (!isGzip && !(code[0] === 0 && code[1] === 0x61 && code[2] === 0x73 && code[3] === 0x6d)) throw new CliError(`${file} is neither a wasm module nor gzip`);
      const wasmByteCode = isGzip ? code : gzipSync(code, { level: 9 });
      const res = await signAndBroadcast(o, o.from, {
        registryTypes: WASM_TYPES,
        messages: (sender) => [{ typeUrl: '/cosmwasm.wasm.v1.MsgStoreCode', value: { sender, wasmByteCode } }],
        describe: (sender) => `store ${file} (${wasmByteCode.length} bytes sent) from ${sender}`,
      });
      const r = firstResponse(res, (b) => MsgStoreCodeResponse.decode(b));
      report(res, o.output, r ? { code_id: r.codeId.toString(), checksum: Buffer.from(r.checksum).toString('hex') } : {});
    },
  );

  from(
    wasm
      .command('instantiate <code_id> <json>')
      .description('create a contract from stored code with the JSON instantiate message; prints its address')
      .requiredOption('--label <label>', 'a human-readable name for the contract')
      .option('--admin <address>', 'who may migrate the contract (an address or a keyring key name)')
      .option('--no-admin', 'nobody may ever migrate the contract')
      .option('--amount <coins>', 'funds sent to the contract, e.g. 100uviv'),
  ).action(async (codeIdText: string, json: string, o: TxFlags & { from: string; label: string; admin?: string | false; amount?: string }) => {
    const codeId = codeIdArg(codeIdText);
    const msg = jsonMsgArg('instantiate message', json);
    const funds = amountArg(o.amount);
    if (o.admin === undefined) throw new CliError('say who may migrate the contract: --admin ADDRESS, or --no-admin');
    let admin = '';
    if (typeof o.admin === 'string') {
      try {
        parseAddress(o.admin);
        admin = o.admin;
      } catch {
        admin = (await (await openKeyring(o, false)).show(o.admin).catch(() => {
          throw new CliError(`--admin ${JSON.stringify(o.admin)} is neither an address nor a key in the keyring`);
        })).address;
      }
    }
    const res = await signAndBroadcast(o, o.from, {
      registryTypes: WASM_TYPES,
      messages: (sender) => [{ typeUrl: '/cosmwasm.wasm.v1.MsgInstantiateContract', value: { sender, admin, codeId, label: o.label, msg, funds } }],
      describe: (sender) => `instantiate code ${codeId} as ${JSON.stringify(o.label)} from ${sender}${admin ? `, admin ${admin}` : ', no admin'}${o.amount ? `, sending ${o.amount}` : ''}`,
    });
    const r = firstResponse(res, (b) => MsgInstantiateContractResponse.decode(b));
    report(res, o.output, r ? { contract_address: r.address, data: b64(r.data) } : {});
  });

  from(
    wasm
      .command('execute <contract> <json>')
      .description('call a contract with the JSON execute message')
      .option('--amount <coins>', 'funds sent to the contract, e.g. 100uviv'),
  ).action(async (contractText: string, json: string, o: TxFlags & { from: string; amount?: string }) => {
    const contract = contractArg(contractText);
    const msg = jsonMsgArg('execute message', json);
    const funds = amountArg(o.amount);
    const res = await signAndBroadcast(o, o.from, {
      registryTypes: WASM_TYPES,
      messages: (sender) => [{ typeUrl: '/cosmwasm.wasm.v1.MsgExecuteContract', value: { sender, contract, msg, funds } }],
      describe: (sender) => `execute ${contract} from ${sender}${o.amount ? `, sending ${o.amount}` : ''}`,
    });
    const r = firstResponse(res, (b) => MsgExecuteContractResponse.decode(b));
    report(res, o.output, r ? { data: b64(r.data) } : {});
  });

  from(wasm.command('migrate <contract> <new_code_id> <json>').description("move a contract to new code (the contract's admin only)")).action(
    async (contractText: string, codeIdText: string, json: string, o: TxFlags & { from: string }) => {
      const contract = contractArg(contractText);
      const codeId = codeIdArg(codeIdText);
      const msg = jsonMsgArg('migrate message', json);
      const res = await signAndBroadcast(o, o.from, {
        registryTypes: WASM_TYPES,
        messages: (sender) => [{ typeUrl: '/cosmwasm.wasm.v1.MsgMigrateContract', value: { sender, contract, codeId, msg } }],
        describe: (sender) => `migrate ${contract} to code ${codeId} from ${sender}`,
      });
      const r = firstResponse(res, (b) => MsgMigrateContractResponse.decode(b));
      report(res, o.output, r ? { data: b64(r.data) } : {});
    },
  );
}

function registerQuery(query: Command): void {
  const wasm = query.command('wasm').description('CosmWasm contract queries');

  nodeFlags(wasm.command('smart <contract> <json>').description("a contract's answer to a JSON query message")).action(
    async (contractText: string, json: string, o: { node: string; output: string }) => {
      const contract = contractArg(contractText);
      const msg = JSON.parse(new TextDecoder().decode(jsonMsgArg('query message', json)));
      print(await withWasm(o.node, (c) => c.queryContractSmart(contract, msg)), parseOutput(o.output));
    },
  );

  nodeFlags(
    wasm
      .command('raw <contract> <key>')
      .description("one key of a contract's storage; KEY in hex or base64")
      .option('--encoding <enc>', 'how KEY is written: hex, base64 or utf8 (default: hex when it reads as hex, else base64)'),
  ).action(async (contractText: string, keyText: string, o: { node: string; output: string; encoding?: string }) => {
    const contract = contractArg(contractText);
    const key = rawKeyArg(keyText, o.encoding);
    const data = await withWasm(o.node, async (c) => {
      await c.getContract(contract); // names an unknown contract instead of answering "no data"
      return c.queryContractRaw(contract, key);
    });
    let text: string | null = null;
    if (data) {
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(data);
      } catch {
        // not UTF-8: base64 only
      }
    }
    print({ key: Buffer.from(key).toString('hex'), data: b64(data ?? undefined), text }, parseOutput(o.output));
  });

  nodeFlags(wasm.command('contract <contract>').description("a contract's code id, creator, admin and label")).action(
    async (contractText: string, o: { node: string; output: string }) => {
      const contract = contractArg(contractText);
      const c = await withWasm(o.node, (w) => w.getContract(contract));
      print({ address: c.address, code_id: String(c.codeId), creator: c.creator, admin: c.admin ?? '', label: c.label }, parseOutput(o.output));
    },
  );

  nodeFlags(wasm.command('code <code_id> [output_file]').description("a stored code's creator, checksum and size; writes its wasm to OUTPUT_FILE if given")).action(
    async (codeIdText: string, outFile: string | undefined, o: { node: string; output: string }) => {
      const codeId = codeIdArg(codeIdText);
      if (codeId > BigInt(Number.MAX_SAFE_INTEGER)) throw new CliError(`no code with id ${codeId}`);
      const d = await withWasm(o.node, (w) => w.getCodeDetails(Number(codeId)));
      if (outFile) writeFileSync(outFile, d.data);
      print({ code_id: String(d.id), creator: d.creator, checksum: d.checksum, size: d.data.length, ...(outFile ? { written_to: outFile } : {}) }, parseOutput(o.output));
    },
  );

  nodeFlags(wasm.command('list-code').description('every stored code')).action(async (o: { node: string; output: string }) => {
    const codes = await withWasm(o.node, (w) => w.getCodes());
    print({ code_infos: codes.map((c) => ({ code_id: String(c.id), creator: c.creator, checksum: c.checksum })) }, parseOutput(o.output));
  });

  nodeFlags(wasm.command('list-contract-by-code <code_id>').description('the contracts instantiated from a code, oldest first')).action(
    async (codeIdText: string, o: { node: string; output: string }) => {
      const codeId = codeIdArg(codeIdText);
      if (codeId > BigInt(Number.MAX_SAFE_INTEGER)) throw new CliError(`no code with id ${codeId}`);
      print({ contracts: await withWasm(o.node, (w) => w.getContracts(Number(codeId))) }, parseOutput(o.output));
    },
  );
}

/** `vivian tx wasm …` and `vivian query wasm …` (registered under the existing tx and query commands). */
export function registerWasmCommands(program: Command): void {
  const find = (name: string) => program.commands.find((c) => c.name() === name);
  const tx = find('tx');
  const query = find('query');
  if (!tx || !query) throw new Error('register the client commands (tx, query) before the wasm commands');
  registerTx(tx);
  registerQuery(query);
}
