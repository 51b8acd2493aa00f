import type t from 'tap';
import { VivianError, type ErrorKind } from '../../../chain/types/errors.js';

/** Asserts that `fn` throws a VivianError of `kind` (codespace "ledger"), its message matching `pattern`. */
export function throwsKind(
  tt: Pick<typeof t, 'ok' | 'fail'>,
  fn: () => unknown,
  kind: ErrorKind,
  what: string = kind.description,
  pattern?: RegExp,
): boolean {
  try {
    fn();
  } catch (e) {
    const matches =
      e instanceof VivianError && e.codespace === 'ledger' && kind.is(e) && (!pattern || pattern.test(e.message));
    return tt.ok(matches, what, { error: e });
  }
  return tt.fail(`${what}: nothing was thrown`);
}
