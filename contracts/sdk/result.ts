// Contract errors as values (AssemblyScript has no exceptions): an entry point returns a Result, and an error
// becomes the ABI's {"error": "..."}, which fails the transaction with that message.

export class ContractError {
  constructor(public message: string) {}
}

export class Result<T> {
  private constructor(private _value: T, public error: ContractError | null) {}

  static ok<T>(value: T): Result<T> { return new Result<T>(value, null); }
  static err<T>(error: ContractError): Result<T> {
    if (isReference<T>()) return new Result<T>(changetype<T>(0), error);
    return new Result<T>(<T>0, error);
  }

  get isOk(): bool { return this.error === null; }
  get isErr(): bool { return this.error !== null; }

  /** The value; aborts when this is an error (check isOk first). */
  get value(): T {
    if (this.error !== null) abort('Result.value on an error: ' + this.error!.message);
    return this._value;
  }

  get message(): string { return this.error !== null ? this.error!.message : ''; }

  /** The same error as another result type (to pass an error up). */
  cast<U>(): Result<U> { return Result.err<U>(this.error!); }
}

/** Result.err with a message. */
export function fail<T>(message: string): Result<T> {
  return Result.err<T>(new ContractError(message));
}

// Common errors, with the wording cw-plus contracts use.
export function unauthorized<T>(): Result<T> { return fail<T>('Unauthorized'); }
export function notFound<T>(what: string): Result<T> { return fail<T>(what + ' not found'); }
export function invalidInput<T>(what: string): Result<T> { return fail<T>('Invalid input: ' + what); }
