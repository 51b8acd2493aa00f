// The VIVIAN contract SDK for AssemblyScript (CosmWasm ABI, interface_version_8).
// A contract's entry file re-exports `allocate`, `deallocate` and `interface_version_8` from here and defines
// its entry points with the do* helpers; see contracts/token for a complete example.
export { allocate, deallocate, utf8, fromUtf8 } from './region';
export { interface_version_8, doInstantiate, doExecute, doQuery, doMigrate, doReply } from './entry';
export { JsonValue, JsonKind, JsonWriter, parseJson, quote } from './json';
export { Uint128 } from './uint128';
export { toBase64, fromBase64 } from './base64';
export { Result, ContractError, fail, unauthorized, notFound, invalidInput } from './result';
export { Env, BlockInfo, MessageInfo, Coin, writeCoins, Attribute, Event, CosmosMsg, BankMsg, WasmMsg, SubMsg, ReplyOn, Response, Reply, str, jsonString } from './types';
export { Item, Map, Map2, Entry, Codec, StringCodec, Uint128Codec, U64Box, U64Codec, Order, storageGet, storageSet, storageRemove, StorageIterator, KV } from './storage';
export { addrValidate, addrCanonicalize, addrHumanize, debug, queryChain, querySmart, queryBalance } from './api';
export { contractAbort } from './abort';
export { Expiration, Duration } from './expiration';
export { Decimal } from './decimal';
export { stringify, RawMsg } from './rawJson';
export { parseU64Text, stringOf, optionalStringOf, addressOf, u64Of, optionalU64Of, boolOf, pageLimit } from './fields';
export { VectorCollection, VectorHit, Metric, VectorCode, vectorCodeMessage, requires_vivian_vector, MAX_VECTOR_DIMENSION, MAX_COLLECTION_NAME, MAX_VECTOR_K } from './vector';
