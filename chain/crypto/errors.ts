import { registerError } from '../types/errors.js';

/**
 * Errors of keys, addresses and the keyring (codespace "crypto"). Codes are never renumbered; code 1 is left
 * unused, as Cosmos modules do.
 */
export const CryptoErrors = {
  InvalidAddress: registerError('crypto', 2, 'invalid address'),
  InvalidPubKey: registerError('crypto', 3, 'invalid public key'),
  UnknownPubKeyType: registerError('crypto', 4, 'unknown public key type'),
  InvalidPrivateKey: registerError('crypto', 5, 'invalid private key'),
  InvalidMnemonic: registerError('crypto', 6, 'invalid mnemonic'),
  InvalidDerivation: registerError('crypto', 7, 'invalid key derivation'),
  UnsupportedAlgo: registerError('crypto', 8, 'unsupported key algorithm'),
  InvalidKeyName: registerError('crypto', 9, 'invalid key name'),
  KeyExists: registerError('crypto', 10, 'key already exists'),
  KeyNotFound: registerError('crypto', 11, 'key not found'),
  WrongPassphrase: registerError('crypto', 12, 'wrong passphrase'),
  KeyringUnreadable: registerError('crypto', 13, 'keyring entry unreadable'),
  SignerMismatch: registerError('crypto', 14, 'signer cannot sign for this address'),
  PassphraseRequired: registerError('crypto', 15, 'passphrase required'),
  UnsupportedKeyringBackend: registerError('crypto', 16, 'unsupported keyring backend'),
  WeakPassphrase: registerError('crypto', 17, 'passphrase too short'),
} as const;
