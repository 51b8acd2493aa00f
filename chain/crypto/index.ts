/**
 * Keys, signatures and addresses. Consensus code needs only the verifiers, address codecs and pubkey Any
 * helpers; hd, signers and the keyring (./keyring/index.js, kept separate because it touches the file system)
 * serve wallets, the CLI and tests.
 */
export { hash160, sha256 } from './hash.js';
export { CryptoErrors } from './errors.js';
export {
  SECP256K1_ORDER,
  SECP256K1_PRIVKEY_LENGTH,
  SECP256K1_PUBKEY_LENGTH,
  SECP256K1_SIGNATURE_LENGTH,
  secp256k1PublicKey,
  signSecp256k1,
  verifySecp256k1,
} from './secp256k1.js';
export {
  ED25519_ORDER,
  ED25519_PRIVKEY_LENGTH,
  ED25519_PUBKEY_LENGTH,
  ED25519_SIGNATURE_LENGTH,
  ED25519_SMALL_ORDER_ENCODINGS,
  ed25519PublicKey,
  isCanonicalEd25519Point,
  isSmallOrderEd25519Point,
  signEd25519,
  verifyEd25519,
} from './ed25519.js';
export {
  ACCOUNT_PREFIX,
  ADDRESS_LENGTHS,
  VALIDATOR_CONSENSUS_PREFIX,
  VALIDATOR_OPERATOR_PREFIX,
  addressFromEd25519,
  addressFromSecp256k1,
  isValidAddress,
  parseAddress,
  toBech32Address,
} from './addresses.js';
export {
  ED25519_PUBKEY_TYPE_URL,
  KEY_ALGOS,
  SECP256K1_PUBKEY_TYPE_URL,
  addressOfPubKey,
  addressOfPubKeyAny,
  decodePubKeyAny,
  encodePubKeyAny,
  verifyWithPubKey,
  verifyWithPubKeyAny,
  type KeyAlgo,
  type PublicKey,
} from './pubkeys.js';
export {
  deriveEd25519,
  deriveKey,
  deriveSecp256k1,
  generateMnemonic,
  hdPath,
  normalizeMnemonic,
  slip10Ed25519,
  validateMnemonic,
  type DerivedKey,
} from './hd.js';
export { Ed25519DirectSigner, directSignerFromKey, secp256k1DirectSigner } from './signers.js';
