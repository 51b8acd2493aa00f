import { env_abort } from './imports';
import { regionOf, utf8 } from './region';

/**
 * AssemblyScript's 4-argument `abort` (assertions, bounds checks, `unreachable` with a message) routed to the
 * ABI's 1-argument `env.abort`, so the VM reports the message and place. Wired by `--use abort=...` in the build.
 */
export function contractAbort(message: string | null = null, fileName: string | null = null, line: u32 = 0, column: u32 = 0): void {
  let text = message !== null ? message : 'abort';
  if (fileName !== null) text += ' at ' + fileName + ':' + line.toString() + ':' + column.toString();
  env_abort(<u32>regionOf(utf8(text)));
  unreachable();
}
