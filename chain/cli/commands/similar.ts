import type { Command } from 'commander';
import { CliError, parseOutput, print } from '../io.js';

export const DEFAULT_API = 'http://127.0.0.1:1317';

/** Calls the REST gateway; a non-2xx answer becomes a CliError with the node's message. */
async function requestJson(url: string, init?: RequestInit): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (e) {
    throw new CliError(`cannot reach the REST gateway at ${new URL(url).origin}: ${(e as Error).message}`);
  }
  const body = (await res.json().catch(() => ({}))) as { message?: string };
  if (!res.ok) throw new CliError(body.message ?? `the node answered HTTP ${res.status}`);
  return body;
}

function parseK(v: string): number {
  if (!/^[0-9]{1,4}$/.test(v) || Number(v) < 1 || Number(v) > 1000) throw new CliError(`--k must be an integer in 1..1000, got ${JSON.stringify(v)}`);
  return Number(v);
}

/** `vivian query similar --text "…" | --version V [--k N]`: committed txs most similar to a text or a tx. */
export function registerSimilarCommand(program: Command): void {
  // `--version` here names a ledger version; without positional options the program's own --version
  // (print the software version) would take it wherever it appears
  program.enablePositionalOptions();
  const query = program.commands.find((c) => c.name() === 'query') ?? program.command('query').alias('q').description('query a node');
  query
    .command('similar')
    .description('committed txs most similar to a text (default embedding) or to the tx at a ledger version, best first')
    .option('--text <text>', 'free text, e.g. words of a memo')
    .option('--version <version>', 'ledger version of a committed tx')
    .option('--k <n>', 'how many results (1..1000)', '10')
    .option('--exact', 'scan every vector instead of walking the index graph')
    .option('--api <url>', 'REST gateway of a node', DEFAULT_API)
    .option('--output <format>', 'json or text', 'text')
    .action(async (o: { text?: string; version?: string; k: string; exact?: boolean; api: string; output: string }) => {
      const output = parseOutput(o.output);
      const k = parseK(o.k);
      if ((o.text === undefined) === (o.version === undefined)) throw new CliError('give exactly one of --text and --version');
      const api = o.api.replace(/\/+$/, '');
      let answer: unknown;
      if (o.text !== undefined) {
        answer = await requestJson(`${api}/vivian/vector/v1/search`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: o.text, k, exact: o.exact ?? false }),
        });
      } else {
        if (!/^[0-9]{1,15}$/.test(o.version!)) throw new CliError(`--version must be a ledger version (a non-negative integer), got ${JSON.stringify(o.version)}`);
        answer = await requestJson(`${api}/vivian/vector/v1/txs/${o.version}/similar?k=${k}&exact=${o.exact ?? false}`);
      }
      print(answer, output);
    });
}
