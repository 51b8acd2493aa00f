import { Metadata, Params } from 'cosmjs-types/cosmos/bank/v1beta1/bank';
import { lastDecoded } from '../../codec/lastDecoded.js';
import type { EventManager } from '../../app/events.js';
import { prefixEnd, type KVReader, type KVStore } from '../../store/kv.js';
import { coinsToString, MAX_AMOUNT, type Coin } from '../../types/coins.js';
import { latin1 } from '../../crypto/bytes.js';
import { SdkErrors } from '../../types/sdkErrors.js';
import { accAddress, moduleAddress, type AuthKeeper } from '../auth/keeper.js';
import { balanceKey, balancesPrefix, metadataKey, PARAMS_KEY, supplyKey } from './keys.js';

const dec = new TextDecoder();

export const DEFAULT_BANK_PARAMS: Params = { sendEnabled: [], defaultSendEnabled: true };

const decodeParams = lastDecoded((b) => Params.decode(b));

/** Amounts are stored as their decimal digits (ASCII, so latin1 reads and writes them exactly). */
function readAmount(v: Uint8Array | undefined): bigint {
  return v ? BigInt(latin1(v)) : 0n;
}

/** Small Buffers come from Node's shared pool: a balance write costs no allocation of its own. */
function amountBytes(amount: bigint): Uint8Array {
  return Buffer.from(amount.toString(), 'latin1');
}

/** The only code that touches bank's part of the state: balances, supply, denom metadata. */
export class BankKeeper {
  constructor(private readonly auth: AuthKeeper) {}

  getBalance(store: KVReader, address: string, denom: string): bigint {
    return readAmount(store.get(balanceKey(accAddress(address), denom)));
  }

  getAllBalances(store: KVReader, address: string): Coin[] {
    const prefix = balancesPrefix(accAddress(address));
    const out: Coin[] = [];
    for (const [k, v] of store.iterate(prefix, prefixEnd(prefix))) {
      out.push({ denom: dec.decode(k.subarray(prefix.length)), amount: readAmount(v) });
    }
    return out;
  }

  private setBalance(store: KVStore, addr: Uint8Array, denom: string, amount: bigint): void {
    const key = balanceKey(addr, denom);
    if (amount === 0n) store.delete(key);
    else store.set(key, amountBytes(amount));
  }

  private subCoins(ctxStore: KVStore, events: EventManager, address: string, coins: readonly Coin[], amount = coinsToString(coins)): void {
    const addr = accAddress(address);
    for (const c of coins) {
      const have = readAmount(ctxStore.get(balanceKey(addr, c.denom)));
      if (have < c.amount) {
        throw SdkErrors.InsufficientFunds(`spendable balance ${have}${c.denom} is smaller than ${c.amount}${c.denom}`);
      }
      this.setBalance(ctxStore, addr, c.denom, have - c.amount);
    }
    events.emit('coin_spent', [['spender', address], ['amount', amount]]);
  }

  private addCoins(store: KVStore, events: EventManager, address: string, coins: readonly Coin[], amount = coinsToString(coins)): void {
    const addr = accAddress(address);
    for (const c of coins) {
      const have = readAmount(store.get(balanceKey(addr, c.denom)));
      const next = have + c.amount;
      if (next > MAX_AMOUNT) throw SdkErrors.InvalidCoins(`balance of ${c.denom} would overflow 256 bits`);
      this.setBalance(store, addr, c.denom, next);
    }
    events.emit('coin_received', [['receiver', address], ['amount', amount]]);
  }

  /** Moves coins between accounts, creating the recipient's account on first receipt (as x/bank does). */
  send(store: KVStore, events: EventManager, from: string, to: string, coins: readonly Coin[]): void {
    const amount = coinsToString(coins);
    this.subCoins(store, events, from, coins, amount);
    this.addCoins(store, events, to, coins, amount);
    if (!this.auth.hasAccount(store, to)) this.auth.createAccount(store, to);
    events.emit('transfer', [['recipient', to], ['sender', from], ['amount', amount]]);
    events.emit('message', [['sender', from]]);
  }

  sendToModule(store: KVStore, events: EventManager, from: string, moduleName: string, coins: readonly Coin[]): void {
    this.auth.ensureModuleAccount(store, moduleName);
    this.send(store, events, from, moduleAddress(moduleName), coins);
  }

  /**
   * What sendToModule does to the sender, with the same events, leaving the module's balance and account
   * untouched (neither read nor written). CheckTx takes fees this way: the check state only decides what is
   * admitted and nothing in CheckTx reads a module's balance, and leaving the collector out keeps each pending
   * tx's check effects to its own signers' keys (see the mempool's re-check after a commit).
   */
  debitToModule(store: KVStore, events: EventManager, from: string, moduleName: string, coins: readonly Coin[]): void {
    const to = moduleAddress(moduleName);
    const amount = coinsToString(coins);
    this.subCoins(store, events, from, coins, amount);
    events.emit('coin_received', [['receiver', to], ['amount', amount]]);
    events.emit('transfer', [['recipient', to], ['sender', from], ['amount', amount]]);
    events.emit('message', [['sender', from]]);
  }

  /** Creates coins (genesis and later the mint module): balance and total supply both grow. */
  mint(store: KVStore, events: EventManager, address: string, coins: readonly Coin[]): void {
    for (const c of coins) {
      const supply = readAmount(store.get(supplyKey(c.denom))) + c.amount;
      if (supply > MAX_AMOUNT) throw SdkErrors.InvalidCoins(`supply of ${c.denom} would overflow 256 bits`);
      store.set(supplyKey(c.denom), amountBytes(supply));
    }
    this.addCoins(store, events, address, coins);
    if (!this.auth.hasAccount(store, address)) this.auth.createAccount(store, address);
  }

  /** Destroys coins held by `address` (a contract's BankMsg::Burn): its balance and the total supply both shrink. */
  burn(store: KVStore, events: EventManager, address: string, coins: readonly Coin[]): void {
    this.subCoins(store, events, address, coins);
    for (const c of coins) {
      const supply = readAmount(store.get(supplyKey(c.denom)));
      // a balance can never exceed the supply it was minted from, so this only guards against a broken state
      if (supply < c.amount) throw SdkErrors.InsufficientFunds(`cannot burn ${c.amount}${c.denom}: the supply is ${supply}${c.denom}`);
      const left = supply - c.amount;
      if (left === 0n) store.delete(supplyKey(c.denom));
      else store.set(supplyKey(c.denom), amountBytes(left));
    }
    events.emit('burn', [['burner', address], ['amount', coinsToString(coins)]]);
  }

  getSupply(store: KVReader, denom: string): bigint {
    return readAmount(store.get(supplyKey(denom)));
  }

  isBlockedRecipient(address: string): boolean {
    return this.auth.isModuleAddress(address);
  }

  isSendEnabled(store: KVReader, denom: string): boolean {
    const p = this.getParams(store);
    const entry = p.sendEnabled.find((e) => e.denom === denom);
    return entry ? entry.enabled : p.defaultSendEnabled;
  }

  getParams(store: KVReader): Params {
    const b = store.get(PARAMS_KEY);
    return b ? decodeParams(b) : DEFAULT_BANK_PARAMS;
  }

  setParams(store: KVStore, p: Params): void {
    store.set(PARAMS_KEY, Params.encode(p).finish());
  }

  getMetadata(store: KVReader, denom: string): Metadata | undefined {
    const b = store.get(metadataKey(denom));
    return b ? Metadata.decode(b) : undefined;
  }

  setMetadata(store: KVStore, m: Metadata): void {
    store.set(metadataKey(m.base), Metadata.encode(m).finish());
  }
}
