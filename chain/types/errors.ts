/**
 * The one error class thrown by chain code. `codespace` + `code` are consensus data (they end up in
 * tx results and app hashes), so codes are listed once per module in its errors.ts and never renumbered.
 */
export class VivianError extends Error {
  constructor(
    readonly codespace: string,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'VivianError';
  }
}

/** A registered error kind: call it with the specific message to get a throwable VivianError. */
export interface ErrorKind {
  readonly codespace: string;
  readonly code: number;
  readonly description: string;
  (message?: string): VivianError;
  is(err: unknown): boolean;
}

const registry = new Map<string, ErrorKind>();

/** Registers codespace/code once (a duplicate is a programming error caught at start-up). */
export function registerError(codespace: string, code: number, description: string): ErrorKind {
  const id = `${codespace}/${code}`;
  if (registry.has(id)) throw new Error(`error ${id} registered twice`);
  const kind = ((message?: string) =>
    new VivianError(codespace, code, message ? `${message}: ${description}` : description)) as ErrorKind;
  Object.defineProperties(kind, {
    codespace: { value: codespace },
    code: { value: code },
    description: { value: description },
    is: {
      value: (err: unknown) => err instanceof VivianError && err.codespace === codespace && err.code === code,
    },
  });
  registry.set(id, kind);
  return kind;
}
