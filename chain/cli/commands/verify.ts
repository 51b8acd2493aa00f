import type { Command } from 'commander';
import { LedgerRestSource, LightClient, RpcLightBlockSource, type AnchoredRoots } from '../../client/index.js';
import { toHex } from '../../consensus/types/index.js';
import { CliError, parseOutput, print } from '../io.js';
import { DEFAULT_NODE } from './client.js';

const DEFAULT_API = 'http://127.0.0.1:1317';
const hex = (b: Uint8Array) => toHex(b).toUpperCase();

function flags(cmd: Command): Command {
  return cmd
    .option('--node <url>', 'CometBFT JSON-RPC endpoint (headers, commits, validators)', DEFAULT_NODE)
    .option('--api <url>', 'REST endpoint serving /vivian/ledger/v1 and /vivian/state/v1', DEFAULT_API)
    .option('--trust-height <height>', 'height of a header you trust (default: the chain\'s first block)')
    .option('--trust-hash <hash>', 'hash of the header at --trust-height, obtained out of band')
    .option('--chain-id <id>', 'chain the headers must belong to (default: the trusted header\'s)')
    .option('--wait <seconds>', 'how long to wait for the header that commits the latest block', '10')
    .option('--output <format>', 'json or text', 'text');
}

function uint(text: string, what: string): bigint {
  if (!/^[0-9]{1,20}$/.test(text)) throw new CliError(`${what} must be a non-negative integer, got ${JSON.stringify(text)}`);
  return BigInt(text);
}

function hexArg(text: string, what: string, length?: number): Uint8Array {
  const h = text.replace(/^0x/i, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(h) || (length !== undefined && h.length !== 2 * length)) {
    throw new CliError(`${what} must be ${length ? `${length} bytes of ` : ''}hex, got ${JSON.stringify(text)}`);
  }
  return new Uint8Array(Buffer.from(h, 'hex'));
}

interface Flags {
  node: string;
  api: string;
  trustHeight?: string;
  trustHash?: string;
  chainId?: string;
  wait: string;
  output: string;
}

async function clientFrom(o: Flags): Promise<{ lc: LightClient; ledger: LedgerRestSource; anchor: Record<string, string> }> {
  if (o.trustHash && !o.trustHeight) throw new CliError('--trust-hash needs --trust-height');
  const rpc = new RpcLightBlockSource(o.node);
  let height: bigint;
  if (o.trustHeight) height = uint(o.trustHeight, '--trust-height');
  else {
    // the first block the node keeps (status' earliest height): trusted on first use, as reported below
    const res = (await (await fetch(`${o.node.replace(/\/$/, '')}/status`).catch((e) => { throw new CliError(`cannot reach ${o.node}: ${(e as Error).message}`); })).json()) as { result?: { sync_info?: { earliest_block_height?: string } } };
    height = BigInt(res.result?.sync_info?.earliest_block_height ?? '1') || 1n;
  }
  const hash = o.trustHash ? hexArg(o.trustHash, '--trust-hash', 32) : undefined;
  const wait = Number(o.wait);
  if (!Number.isFinite(wait) || wait < 0) throw new CliError(`--wait must be a number of seconds, got ${JSON.stringify(o.wait)}`);
  const lc = new LightClient(rpc, { chainId: o.chainId, trust: { height, hash }, waitMs: wait * 1000 });
  const trusted = await lc.trusted();
  const anchor = {
    height: trusted.height.toString(),
    hash: hex(trusted.hash),
    source: hash ? 'given (--trust-hash)' : 'the node (trust on first use: pass --trust-height and --trust-hash to check against a hash you know)',
  };
  return { lc, ledger: new LedgerRestSource(o.api), anchor };
}

function anchored(lc: LightClient, a: AnchoredRoots, anchor: Record<string, string>) {
  return {
    chain_id: lc.chainId,
    trusted: anchor,
    header: { height: a.header.height.toString(), hash: hex(a.header.hash), app_hash: hex(a.header.header.appHash), signed_by: `more than 2/3 of ${a.header.validators.totalVotingPower} voting power (${a.header.validators.size} validators)` },
    roots: { height: a.roots.height.toString(), ledger_size: a.roots.ledgerSize.toString(), ledger_root: hex(a.roots.ledgerRoot), state_root: hex(a.roots.stateRoot) },
    headers_checked: lc.headersVerified,
  };
}

/** `vivian verify tx|state|consistency`: prove a node's answers against headers signed by the validators. */
export function registerVerifyCommands(program: Command): void {
  const verify = program.command('verify').description('verify node answers against a header chain from a trusted anchor (light client); exits non-zero on any mismatch');

  flags(verify.command('tx <version>').description('prove the tx at ledger VERSION: its leaf, result and inclusion in the ledger committed by a verified header')).action(async (versionText: string, o: Flags) => {
    const output = parseOutput(o.output);
    const version = uint(versionText, 'VERSION');
    const { lc, ledger, anchor } = await clientFrom(o);
    const r = await lc.verifyTx(ledger, version);
    print(
      {
        verified: `tx at version ${version} is in the ledger committed by header ${r.header.height}`,
        tx: { version: r.tx.version.toString(), tx_hash: hex(r.tx.txHash), height: r.tx.info.height.toString(), index: r.tx.info.index, code: r.tx.info.code, codespace: r.tx.info.codespace, gas_used: r.tx.info.gasUsed.toString(), tx_bytes: r.tx.tx.length },
        ...anchored(lc, r, anchor),
      },
      output,
    );
  });

  flags(verify.command('state <key>').description('prove the value (or absence) of a state KEY (hex) against a verified header').option('--height <height>', 'state after this block (default: the latest committed by a header)')).action(
    async (keyText: string, o: Flags & { height?: string }) => {
      const output = parseOutput(o.output);
      const key = hexArg(keyText, 'KEY');
      const { lc, ledger, anchor } = await clientFrom(o);
      const r = await lc.verifyState(ledger, key, o.height === undefined ? undefined : uint(o.height, '--height'));
      print(
        {
          verified: `state key ${hex(key)} is ${r.value === undefined ? 'absent' : 'present'} after block ${r.roots.height}`,
          key: hex(key),
          exists: r.value !== undefined,
          value_base64: r.value === undefined ? null : Buffer.from(r.value).toString('base64'),
          value_text: r.value === undefined ? null : Buffer.from(r.value).toString('utf8'),
          ...anchored(lc, r, anchor),
        },
        output,
      );
    },
  );

  flags(verify.command('consistency <first> <second>').description('prove the ledger of FIRST txs is a prefix of the ledger of SECOND txs, both of the ledger a verified header commits')).action(
    async (firstText: string, secondText: string, o: Flags) => {
      const output = parseOutput(o.output);
      const first = uint(firstText, 'FIRST');
      const second = uint(secondText, 'SECOND');
      if (first < 1n || first > second) throw new CliError(`need 1 <= FIRST <= SECOND, got ${first} and ${second}`);
      const { lc, ledger, anchor } = await clientFrom(o);
      const r = await lc.verifyConsistency(ledger, first, second);
      print(
        {
          verified: `the ledger of ${first} txs is a prefix of the ledger of ${second} txs, itself a prefix of the ledger committed by header ${r.header.height}`,
          first: { size: first.toString(), root: hex(r.firstRoot) },
          second: { size: second.toString(), root: hex(r.secondRoot) },
          ...anchored(lc, r, anchor),
        },
        output,
      );
    },
  );
}
