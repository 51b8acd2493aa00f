import type { Event } from 'cosmjs-types/tendermint/abci/types';

/** Collects ABCI events in emission order (the order is consensus data: it goes into the events hash). */
export class EventManager {
  readonly events: Event[] = [];

  /** `index: false` keeps an attribute out of the tx search index (it is still in the results). */
  emit(type: string, attributes: Record<string, string> | Array<[string, string]>, index = true): void {
    const pairs = Array.isArray(attributes) ? attributes : Object.entries(attributes);
    this.events.push({ type, attributes: pairs.map(([key, value]) => ({ key, value, index })) });
  }

  append(events: readonly Event[]): void {
    this.events.push(...events);
  }
}

/** Events as `type.key=value` strings (what tx_search conditions match). */
export function flattenEvents(events: readonly Event[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const e of events) for (const a of e.attributes) out.push([`${e.type}.${a.key}`, a.value]);
  return out;
}
