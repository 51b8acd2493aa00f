import { createInterface } from 'node:readline';

/** A failure the CLI reports as one line on stderr with exit code 1 (no stack: the message says what to do). */
export class CliError extends Error {}

export type OutputFormat = 'json' | 'text';

export function parseOutput(v: string): OutputFormat {
  if (v !== 'json' && v !== 'text') throw new CliError(`--output must be json or text, got ${JSON.stringify(v)}`);
  return v;
}

/** JSON with bigint as decimal strings and bytes as base64 (the Cosmos REST conventions). */
export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(
    value,
    (_k, v) => {
      if (typeof v === 'bigint') return v.toString();
      if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
      return v;
    },
    indent,
  );
}

/** A readable key: value rendering for --output text. */
export function toText(value: unknown, indent = ''): string {
  if (value === null || value === undefined) return `${indent}null`;
  if (typeof value !== 'object' || value instanceof Uint8Array) {
    return indent + (value instanceof Uint8Array ? Buffer.from(value).toString('base64') : String(value));
  }
  const lines: string[] = [];
  const entries = Array.isArray(value) ? value.map((v, i) => [`- [${i}]`, v] as const) : Object.entries(value as object);
  for (const [k, v] of entries) {
    if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
      lines.push(`${indent}${k}:`);
      lines.push(toText(v, indent + '  '));
    } else {
      lines.push(`${indent}${k}: ${v instanceof Uint8Array ? Buffer.from(v).toString('base64') : typeof v === 'bigint' ? v.toString() : String(v)}`);
    }
  }
  return lines.join('\n');
}

export function print(value: unknown, format: OutputFormat): void {
  process.stdout.write((format === 'json' ? toJson(value) : toText(value)) + '\n');
}

let stdinLines: string[] | null = null;

/** Reads one line: from the terminal with a prompt, or the next line of piped stdin. */
export async function readLine(prompt: string): Promise<string> {
  if (process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await new Promise((resolve) => rl.question(prompt, resolve));
    } finally {
      rl.close();
    }
  }
  if (stdinLines === null) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    stdinLines = Buffer.concat(chunks).toString('utf8').split(/\r?\n/);
  }
  const line = stdinLines.shift();
  if (line === undefined) throw new CliError(`expected input on stdin: ${prompt.trim()}`);
  return line;
}

export function parseIntFlag(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^[0-9]+$/.test(v)) throw new CliError(`${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return Number(v);
}
