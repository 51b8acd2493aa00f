import { Command, CommanderError } from 'commander';
import { VivianError } from '../types/errors.js';
import { APP_VERSION } from '../app/application.js';
import { CliError } from './io.js';
import { registerNodeCommands } from './commands/node.js';
import { registerKeysCommands } from './commands/keys.js';
import { registerClientCommands } from './commands/client.js';
import { registerVerifyCommands } from './commands/verify.js';
import { registerLocalnetCommands } from './commands/localnet.js';
import { registerSimilarCommand } from './commands/similar.js';
import { registerWasmCommands } from './commands/wasm.js';
import { registerContractCommands } from './commands/contract.js';

/** The `vivian` command. The only code that prints to the terminal or exits. */
export function buildProgram(): Command {
  const program = new Command('vivian')
    .description('VIVIAN: an application blockchain whose ledger is a vector of transactions')
    .version(APP_VERSION)
    .showHelpAfterError()
    .exitOverride();
  registerNodeCommands(program);
  registerKeysCommands(program);
  registerClientCommands(program);
  registerVerifyCommands(program);
  registerLocalnetCommands(program);
  registerSimilarCommand(program);
  registerWasmCommands(program);
  registerContractCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode;
      return;
    }
    const msg = e instanceof CliError || e instanceof VivianError ? e.message : (e as Error)?.stack ?? String(e);
    process.stderr.write(`Error: ${msg}\n`);
    process.exitCode = 1;
  }
}
