import { registerError } from '../types/errors.js';

/**
 * Errors of the ledger (codespace "ledger"). Codes are consensus data: never renumber, only append.
 * Numbering starts at 2 as in Cosmos SDK modules, where code 1 means "internal error".
 */
export const LEDGER_CODESPACE = 'ledger';

/** A leaf index at or beyond the tree size it is asked against. */
export const ErrIndexOutOfRange = registerError(LEDGER_CODESPACE, 2, 'leaf index out of range');
/** A tree size larger than the ledger (or zero where a leaf is needed), or an inverted size pair. */
export const ErrSizeOutOfRange = registerError(LEDGER_CODESPACE, 3, 'tree size out of range');
/** A leaf range that is not a subtree of the RFC 9162 tree (or lies beyond the ledger). */
export const ErrInvalidSubtree = registerError(LEDGER_CODESPACE, 4, 'range is not a subtree of the ledger');
/** The node store lacks a frozen node that the ledger size says it must hold: the store is damaged. */
export const ErrMissingNode = registerError(LEDGER_CODESPACE, 5, 'frozen ledger node missing from the store');
/** A hash argument that is not 32 bytes. */
export const ErrInvalidHash = registerError(LEDGER_CODESPACE, 6, 'hash must be 32 bytes');
/** TxInfo bytes that do not decode. */
export const ErrMalformedTxInfo = registerError(LEDGER_CODESPACE, 7, 'malformed TxInfo bytes');
/** A TxInfo value that cannot be encoded (a field outside its type's range or of the wrong length). */
export const ErrInvalidTxInfo = registerError(LEDGER_CODESPACE, 8, 'invalid TxInfo field');
/** A size or index that is not a non-negative integer within uint64. */
export const ErrInvalidNumber = registerError(LEDGER_CODESPACE, 9, 'not a non-negative integer');
