import { registerError } from './errors.js';

/**
 * The Cosmos SDK's root errors (codespace "sdk"), with the codes wallets already understand
 * (cosmjs matches e.g. code 32 for a sequence mismatch). Numbers follow cosmos-sdk types/errors.
 */
export const SdkErrors = {
  TxDecode: registerError('sdk', 2, 'tx parse error'),
  InvalidSequence: registerError('sdk', 3, 'invalid sequence'),
  Unauthorized: registerError('sdk', 4, 'unauthorized'),
  InsufficientFunds: registerError('sdk', 5, 'insufficient funds'),
  UnknownRequest: registerError('sdk', 6, 'unknown request'),
  InvalidAddress: registerError('sdk', 7, 'invalid address'),
  InvalidPubKey: registerError('sdk', 8, 'invalid pubkey'),
  UnknownAddress: registerError('sdk', 9, 'unknown address'),
  InvalidCoins: registerError('sdk', 10, 'invalid coins'),
  OutOfGas: registerError('sdk', 11, 'out of gas'),
  MemoTooLarge: registerError('sdk', 12, 'memo too large'),
  InsufficientFee: registerError('sdk', 13, 'insufficient fee'),
  TooManySignatures: registerError('sdk', 14, 'maximum number of signatures exceeded'),
  NoSignatures: registerError('sdk', 15, 'no signatures supplied'),
  InvalidRequest: registerError('sdk', 18, 'invalid request'),
  TxInMempoolCache: registerError('sdk', 19, 'tx already in mempool'),
  MempoolIsFull: registerError('sdk', 20, 'mempool is full'),
  TxTooLarge: registerError('sdk', 21, 'tx too large'),
  KeyNotFound: registerError('sdk', 22, 'key not found'),
  InvalidSigner: registerError('sdk', 24, 'tx intended signer does not match the given signer'),
  InvalidHeight: registerError('sdk', 26, 'invalid height'),
  InvalidChainId: registerError('sdk', 28, 'invalid chain-id'),
  InvalidType: registerError('sdk', 29, 'invalid type'),
  TxTimeoutHeight: registerError('sdk', 30, 'tx timeout height'),
  UnknownExtensionOptions: registerError('sdk', 31, 'unknown extension options'),
  WrongSequence: registerError('sdk', 32, 'incorrect account sequence'),
  Logic: registerError('sdk', 35, 'internal logic error'),
  NotSupported: registerError('sdk', 37, 'feature not supported'),
  NotFound: registerError('sdk', 38, 'not found'),
  InvalidGasLimit: registerError('sdk', 41, 'invalid gas limit'),
} as const;
