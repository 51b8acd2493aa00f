import { registerError } from '../../types/errors.js';

/** wasmd's error codes (codespace "wasm"), so clients matching them keep working. */
export const WasmErrors = {
  CreateFailed: registerError('wasm', 2, 'create wasm contract failed'),
  AccountExists: registerError('wasm', 3, 'contract account already exists'),
  InstantiateFailed: registerError('wasm', 4, 'instantiate wasm contract failed'),
  ExecuteFailed: registerError('wasm', 5, 'execute wasm contract failed'),
  GasLimit: registerError('wasm', 6, 'insufficient gas'),
  InvalidGenesis: registerError('wasm', 7, 'invalid genesis'),
  NotFound: registerError('wasm', 8, 'not found'),
  QueryFailed: registerError('wasm', 9, 'query wasm contract failed'),
  InvalidMsg: registerError('wasm', 10, 'invalid CosmosMsg from the contract'),
  MigrationFailed: registerError('wasm', 11, 'migrate wasm contract failed'),
  Empty: registerError('wasm', 12, 'empty'),
  Limit: registerError('wasm', 13, 'exceeds limit'),
  Invalid: registerError('wasm', 14, 'invalid'),
  Duplicate: registerError('wasm', 15, 'duplicate'),
  UnknownMsg: registerError('wasm', 20, 'unknown message from the contract'),
  InvalidEvent: registerError('wasm', 21, 'invalid event'),
  NoSuchContract: registerError('wasm', 22, 'no such contract'),
  NoSuchCode: registerError('wasm', 28, 'no such code'),
  /** the contract returned {"error": ...}: wasmd wraps its message so */
  ContractError: registerError('wasm', 29, 'contract returned an error'),
  Unauthorized: registerError('wasm', 30, 'unauthorized'),
  VmError: registerError('wasm', 31, 'wasm vm error'),
} as const;
