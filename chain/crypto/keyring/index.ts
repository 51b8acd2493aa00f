export { Keyring } from './keyring.js';
export type { AddedKey, AddKeyOptions, KeyInfo, KeyringBackend, KeyringOptions } from './keyring.js';
