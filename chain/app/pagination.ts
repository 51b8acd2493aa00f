import type { PageRequest, PageResponse } from 'cosmjs-types/cosmos/base/query/v1beta1/pagination';
import { concatBytes, prefixEnd, type KVReader } from '../store/kv.js';
import { SdkErrors } from '../types/sdkErrors.js';

export const DEFAULT_PAGE_LIMIT = 100n;
export const MAX_PAGE_LIMIT = 1000n;

/**
 * Pages through the keys under `prefix` as the Cosmos SDK's query.Paginate does: by `key` (next_key from the
 * previous page) or by `offset`, `limit` capped, `count_total` honoured. `map` returns undefined to skip.
 */
export function paginate<T>(
  store: KVReader,
  prefix: Uint8Array,
  page: PageRequest | undefined,
  map: (keyWithoutPrefix: Uint8Array, value: Uint8Array) => T | undefined,
): { items: T[]; pagination: PageResponse } {
  const limit = page && page.limit > 0n ? page.limit : DEFAULT_PAGE_LIMIT;
  if (limit > MAX_PAGE_LIMIT) throw SdkErrors.InvalidRequest(`pagination limit ${limit} exceeds ${MAX_PAGE_LIMIT}`);
  const useKey = page !== undefined && page.key.length > 0;
  if (useKey && page!.offset > 0n) throw SdkErrors.InvalidRequest('either offset or key is expected, got both');
  const reverse = page?.reverse ?? false;
  const end = prefixEnd(prefix);
  let start = prefix;
  let stop = end;
  if (useKey) {
    if (reverse) stop = concatBytes(prefix, page!.key, Uint8Array.of(0));
    else start = concatBytes(prefix, page!.key);
  }
  const offset = useKey ? 0n : (page?.offset ?? 0n);
  const countTotal = !useKey && (page?.countTotal ?? false);
  const items: T[] = [];
  let seen = 0n;
  let nextKey: Uint8Array = new Uint8Array();
  for (const [k, v] of store.iterate(start, stop, reverse)) {
    const rest = k.subarray(prefix.length);
    const mapped = map(rest, v);
    if (mapped === undefined) continue;
    if (seen < offset) {
      seen++;
      continue;
    }
    if (BigInt(items.length) === limit) {
      nextKey = rest;
      if (!countTotal) break;
      seen++;
      continue;
    }
    items.push(mapped);
    seen++;
  }
  return { items, pagination: { nextKey, total: countTotal ? seen : 0n } };
}
