import type { Command } from 'commander';
import { GasPrice, SigningStargateClient, StargateClient, calculateFee, defaultRegistryTypes, type DeliverTxResponse, type IndexedTx, type StdFee } from '@cosmjs/stargate';
import { Registry, type EncodeObject, type GeneratedType } from '@cosmjs/proto-signing';
import { connectComet } from '@cosmjs/tendermint-rpc';
import { CliError, parseOutput, print, readLine } from '../io.js';
import { openKeyring } from './keys.js';
import { parseCoinsString, coinsToWire } from '../../types/coins.js';
import { parseAddress } from '../../crypto/addresses.js';

export const DEFAULT_NODE = 'http://127.0.0.1:26657';
const GAS_ADJUSTMENT = 1.4;

export function nodeFlags(cmd: Command): Command {
  return cmd.option('--node <url>', 'CometBFT JSON-RPC endpoint of a node', DEFAULT_NODE).option('--output <format>', 'json or text', 'text');
}

async function connect(url: string): Promise<StargateClient> {
  try {
    return await StargateClient.connect(url);
  } catch (e) {
    throw new CliError(`cannot reach the node at ${url}: ${(e as Error).message}`);
  }
}

function txView(r: DeliverTxResponse | { transactionHash: string; code: number; height?: number; rawLog?: string; gasUsed?: bigint; gasWanted?: bigint }) {
  return {
    txhash: r.transactionHash,
    code: r.code,
    height: r.height !== undefined ? String(r.height) : undefined,
    gas_wanted: r.gasWanted?.toString(),
    gas_used: r.gasUsed?.toString(),
    raw_log: r.rawLog ?? '',
  };
}

/** The flags every signing command takes (the key comes from --from or, for bank send, a positional). */
export function txFlags(cmd: Command): Command {
  return nodeFlags(
    cmd
      .requiredOption('--chain-id <id>', 'chain id the tx is signed for (must match the node)')
      .option('--fees <coins>', 'fee to pay, e.g. 5000uviv (default: gas × --gas-prices)')
      .option('--gas <gas>', 'gas limit, or auto to simulate first', 'auto')
      .option('--gas-prices <price>', 'price per gas unit for the fee when --fees is not given', '0.025uviv')
      .option('--memo <text>', 'memo', '')
      .option('--yes', 'broadcast without asking for confirmation')
      .option('--home <dir>', 'client home holding the keyring')
      .option('--keyring-backend <backend>', 'file or test', 'file'),
  );
}

export interface TxFlags {
  chainId: string;
  fees?: string;
  gas: string;
  gasPrices: string;
  memo: string;
  yes?: boolean;
  home?: string;
  keyringBackend?: string;
  node: string;
  output: string;
}

/** What the caller wants signed: messages built once the signer's address is known, and a line for the prompt. */
export interface TxRequest {
  messages: (sender: string) => EncodeObject[];
  describe: (sender: string) => string;
  /** message types beyond the default Cosmos ones (e.g. CosmWasm's) */
  registryTypes?: ReadonlyArray<[string, GeneratedType]>;
}

/**
 * Signs with a keyring key, broadcasts and waits for the block: simulates first for --gas auto, asks for
 * confirmation unless --yes, and resolves with the committed tx (whatever its code).
 */
export async function signAndBroadcast(o: TxFlags, fromKey: string, req: TxRequest): Promise<IndexedTx> {
  const kr = await openKeyring(o, true);
  const key = await kr.show(fromKey);
  const signer = await kr.signer(fromKey);
  let client: SigningStargateClient;
  try {
    const registry = new Registry([...defaultRegistryTypes, ...(req.registryTypes ?? [])]);
    client = await SigningStargateClient.connectWithSigner(o.node, signer, { registry });
  } catch (e) {
    throw new CliError(`cannot reach the node at ${o.node}: ${(e as Error).message}`);
  }
  try {
    const chainId = await client.getChainId();
    if (chainId !== o.chainId) throw new CliError(`--chain-id ${o.chainId} does not match the node's chain ${chainId}`);
    const msgs = req.messages(key.address);

    let gas: number;
    if (o.gas === 'auto') {
      try {
        gas = Math.ceil((await client.simulate(key.address, msgs, o.memo)) * GAS_ADJUSTMENT);
      } catch (e) {
        throw new CliError(`simulation failed: ${(e as Error).message}`);
      }
    } else if (/^[0-9]+$/.test(o.gas)) gas = Number(o.gas);
    else throw new CliError(`--gas must be auto or a number, got ${JSON.stringify(o.gas)}`);
    const fee: StdFee = o.fees ? { amount: coinsToWire(parseCoinsString(o.fees)), gas: String(gas) } : calculateFee(gas, GasPrice.fromString(o.gasPrices));

    if (!o.yes) {
      process.stderr.write(`${req.describe(key.address)}, fee ${fee.amount.map((c) => c.amount + c.denom).join(',') || '0'}, gas ${gas}\n`);
      const answer = await readLine('confirm transaction before signing and broadcasting [y/N]: ');
      if (!/^y(es)?$/i.test(answer.trim())) throw new CliError('aborted');
    }
    const hash = await client.signAndBroadcastSync(key.address, msgs, fee, o.memo);
    // wait for the block (cosmjs's own wait polls every 3 s; blocks here are ~1 s)
    for (let i = 0; i < 120; i++) {
      const found = await client.getTx(hash);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new CliError(`tx ${hash} was accepted into the mempool but not committed within 30 s`);
  } finally {
    client.disconnect();
  }
}

/** The committed tx as the CLI prints it: hash, code, height, gas and log. */
export function committedTxView(found: IndexedTx) {
  return txView({ transactionHash: found.hash, code: found.code, height: found.height, rawLog: found.rawLog, gasUsed: found.gasUsed, gasWanted: found.gasWanted });
}

export function registerClientCommands(program: Command): void {
  const tx = program.command('tx').description('sign and broadcast transactions');
  const bank = tx.command('bank').description('bank transactions');
  txFlags(
    bank.command('send <from_key> <to_address> <amount>').description('send AMOUNT (e.g. 1000uviv) from a keyring key to an address'),
  ).action(async (fromKey: string, to: string, amountStr: string, o: TxFlags) => {
    const output = parseOutput(o.output);
    try {
      parseAddress(to);
    } catch (e) {
      throw new CliError(`invalid recipient ${to}: ${(e as Error).message}`);
    }
    const amount = coinsToWire(parseCoinsString(amountStr));
    if (amount.length === 0) throw new CliError('AMOUNT must name at least one coin, e.g. 1000uviv');
    const found = await signAndBroadcast(o, fromKey, {
      messages: (from) => [{ typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: { fromAddress: from, toAddress: to, amount } }],
      describe: (from) => `send ${amountStr} from ${from} to ${to}`,
    });
    print(committedTxView(found), output);
    if (found.code !== 0) process.exitCode = 1;
  });

  const query = program.command('query').alias('q').description('query a node');
  const qbank = query.command('bank').description('bank queries');
  nodeFlags(qbank.command('balances <address>').description('all balances of an address')).action(async (address: string, o) => {
    const c = await connect(o.node);
    print({ balances: await c.getAllBalances(address) }, parseOutput(o.output));
  });
  nodeFlags(query.command('account <address>').description('account number, sequence and pubkey')).action(async (address: string, o) => {
    const c = await connect(o.node);
    const acc = await c.getAccount(address);
    if (!acc) throw new CliError(`account ${address} not found (it exists once it has received funds)`);
    print({ address: acc.address, account_number: String(acc.accountNumber), sequence: String(acc.sequence), pub_key: acc.pubkey ?? null }, parseOutput(o.output));
  });
  nodeFlags(query.command('tx <hash>').description('a committed tx by hash')).action(async (hash: string, o) => {
    if (!/^[0-9a-fA-F]{64}$/.test(hash)) throw new CliError(`tx hash must be 64 hex characters, got ${JSON.stringify(hash)}`);
    const c = await connect(o.node);
    const t = await c.getTx(hash.toUpperCase());
    if (!t) throw new CliError(`tx ${hash.toUpperCase()} not found`);
    print({ txhash: t.hash, height: String(t.height), index: t.txIndex, code: t.code, gas_wanted: String(t.gasWanted), gas_used: String(t.gasUsed), raw_log: t.rawLog, events: t.events, tx: Buffer.from(t.tx).toString('base64') }, parseOutput(o.output));
  });
  nodeFlags(query.command('block [height]').description('a block (default: the latest)')).action(async (height: string | undefined, o) => {
    if (height !== undefined && !/^[0-9]+$/.test(height)) throw new CliError(`height must be a positive integer, got ${JSON.stringify(height)}`);
    const c = await connect(o.node);
    const b = await c.getBlock(height === undefined ? undefined : Number(height));
    print({ block_id: b.id, header: { chain_id: b.header.chainId, height: String(b.header.height), time: b.header.time }, num_txs: b.txs.length }, parseOutput(o.output));
  });
  nodeFlags(query.command('ledger <version>').description('the tx at a ledger version (its TxInfo leaf, tx and result)')).action(async (version: string, o) => {
    if (!/^[0-9]+$/.test(version)) throw new CliError(`version must be a non-negative integer, got ${JSON.stringify(version)}`);
    let comet: Awaited<ReturnType<typeof connectComet>>;
    try {
      comet = await connectComet(o.node);
    } catch (e) {
      throw new CliError(`cannot reach the node at ${o.node}: ${(e as Error).message}`);
    }
    const res = await comet.abciQuery({ path: '/vivian/ledger/tx', data: new TextEncoder().encode(version) });
    comet.disconnect();
    if (res.code !== 0) throw new CliError(res.log ?? `query failed with code ${res.code}`);
    print(JSON.parse(new TextDecoder().decode(res.value)), parseOutput(o.output));
  });
}
