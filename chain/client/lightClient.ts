/**
 * The light client: from a trusted (height, header hash) it verifies headers of a chain with the node's
 * answers as untrusted input (verifyAdjacent / verifyNonAdjacent with bisection, headers.ts), then verifies
 * ledger and state answers against the app hash of a verified header. The app hash in header H+1 commits the
 * roots after block H, so an answer "at height H" needs header H+1.
 */
import { toHex } from '../consensus/types/index.js';
import { LightErrors } from './errors.js';
import { verifyAdjacent, verifyBackwards, verifyLightBlock, verifyNonAdjacent, type LightBlock, type VerifiedHeader } from './headers.js';
import { fetchJson } from './http.js';
import { verifyConsistencyAnswer, verifyLedgerTx, verifyRoots, verifyStateAnswer, type VerifiedRoots, type VerifiedTx } from './proofs.js';
import type { LightBlockSource } from './rpcSource.js';
import type { ConsistencyJson, LedgerTxJson, RootsJson, StateProofJson } from './wire.js';

export interface TrustOptions {
  height: bigint;
  /** the header hash at `height`, obtained out of band; without it the node's header is trusted on first use */
  hash?: Uint8Array;
}

export interface LightClientOptions {
  /** the chain the headers must be for; default: the trusted header's */
  chainId?: string;
  trust: TrustOptions;
  /** how long to wait for the header that commits the latest block (ms); 0 = do not wait */
  waitMs?: number;
  pollMs?: number;
}

/** The node's /vivian REST routes, read as untrusted JSON. */
export class LedgerRestSource {
  constructor(private readonly url: string) {}

  private get<T>(path: string): Promise<T> {
    return fetchJson(`${this.url.replace(/\/$/, '')}${path}`) as Promise<T>;
  }
  roots(height: bigint): Promise<RootsJson> {
    return this.get(`/vivian/ledger/v1/roots/${height}`);
  }
  tx(version: bigint, height: bigint): Promise<LedgerTxJson> {
    return this.get(`/vivian/ledger/v1/txs/${version}?prove=true&height=${height}`);
  }
  consistency(first: bigint, second: bigint): Promise<ConsistencyJson> {
    return this.get(`/vivian/ledger/v1/consistency?first=${first}&second=${second}`);
  }
  state(key: Uint8Array, height: bigint): Promise<StateProofJson> {
    return this.get(`/vivian/state/v1/proof?key=${toHex(key)}&height=${height}`);
  }
}

export interface AnchoredRoots {
  /** the verified header whose app hash commits the roots (height = roots.height + 1) */
  header: VerifiedHeader;
  roots: VerifiedRoots;
}

const hex = (b: Uint8Array) => toHex(b).toUpperCase();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class LightClient {
  private readonly verified = new Map<bigint, VerifiedHeader>();
  private anchor: VerifiedHeader | undefined;
  private chain = '';
  /** how many headers were fetched and checked (a measure of bisection's work) */
  headersVerified = 0;

  constructor(
    private readonly source: LightBlockSource,
    private readonly opts: LightClientOptions,
  ) {}

  get chainId(): string {
    return this.chain;
  }

  /** The trusted header, checked against the trusted hash and its own commit. */
  async trusted(): Promise<VerifiedHeader> {
    if (this.anchor) return this.anchor;
    const { height, hash } = this.opts.trust;
    const block = await this.lightBlock(height);
    const h = block.signedHeader.header;
    this.chain = this.opts.chainId ?? h.chainId;
    const v = verifyLightBlock(this.chain, block);
    if (hash && toHex(v.hash) !== toHex(hash)) throw LightErrors.HeaderMismatch(`header ${height} hashes to ${hex(v.hash)}, the trusted hash is ${hex(hash)}`);
    this.anchor = v;
    this.verified.set(height, v);
    return v;
  }

  /** A verified header at `height` (forwards by skipping and bisection, backwards by hash links). */
  async verifyHeight(height: bigint): Promise<VerifiedHeader> {
    const anchor = await this.trusted();
    const known = this.verified.get(height);
    if (known) return known;
    if (height < anchor.height) return this.verifyBelow(height);
    // the highest verified header below the target is the best place to start
    let from = anchor;
    for (const v of this.verified.values()) if (v.height < height && v.height > from.height) from = v;
    return this.verifyForward(from, height);
  }

  private async verifyForward(trusted: VerifiedHeader, target: bigint): Promise<VerifiedHeader> {
    const block = await this.lightBlock(target);
    let v: VerifiedHeader;
    if (target === trusted.height + 1n) v = verifyAdjacent(this.chain, trusted, block);
    else {
      try {
        v = verifyNonAdjacent(this.chain, trusted, block);
      } catch (e) {
        if (!LightErrors.NotEnoughPower.is(e) || !(e as Error).message.includes('more than 1/3')) throw e;
        // the trusted set no longer vouches for the target: verify the midpoint first, then continue from it
        const mid = trusted.height + (target - trusted.height) / 2n;
        const middle = await this.verifyForward(trusted, mid);
        return this.verifyForward(middle, target);
      }
    }
    this.verified.set(target, v);
    return v;
  }

  /** Below the anchor: each header must hash to the last_block_id of the verified one above it. */
  private async verifyBelow(height: bigint): Promise<VerifiedHeader> {
    let above = this.anchor!;
    for (const v of this.verified.values()) if (v.height > height && v.height < above.height) above = v;
    while (above.height > height) {
      const block = await this.lightBlock(above.height - 1n);
      verifyBackwards(this.chain, above, block.signedHeader.header);
      // authentic by its hash link; its own commit and validator set must hold too, as they are used later
      const v = verifyLightBlock(this.chain, block);
      this.verified.set(v.height, v);
      above = v;
    }
    return above;
  }

  private async lightBlock(height: bigint): Promise<LightBlock> {
    if (height < 1n) throw LightErrors.InvalidArgument(`height ${height} must be at least 1`);
    const [signedHeader, validators] = await Promise.all([this.source.signedHeader(height), this.source.validatorSet(height)]);
    if (signedHeader.header.height !== height) throw LightErrors.MalformedResponse(`asked for header ${height}, got ${signedHeader.header.height}`);
    this.headersVerified++;
    return { signedHeader, validators };
  }

  /** The latest header the node has, verified. */
  async latest(): Promise<VerifiedHeader> {
    return this.verifyHeight(await this.source.latestHeight());
  }

  /**
   * Roots anchored in a verified header, for a ledger holding at least `minSize` txs: the latest header's app
   * hash commits the roots of the block before it; when that ledger is too small, waits (opts.waitMs) for the
   * next header.
   */
  async anchoredRoots(ledger: LedgerRestSource, minSize = 0n, atHeight?: bigint): Promise<AnchoredRoots> {
    const deadline = Date.now() + (this.opts.waitMs ?? 0);
    for (;;) {
      const latest = await this.source.latestHeight();
      const headerHeight = atHeight !== undefined ? atHeight + 1n : latest;
      if (headerHeight <= latest) {
        const header = await this.verifyHeight(headerHeight);
        const roots = verifyRoots(await ledger.roots(headerHeight - 1n), header.header.appHash);
        if (roots.height !== headerHeight - 1n) throw LightErrors.MalformedResponse(`asked for roots ${headerHeight - 1n}, got ${roots.height}`);
        if (roots.ledgerSize >= minSize) return { header, roots };
        if (atHeight !== undefined) throw LightErrors.InvalidArgument(`the ledger held ${roots.ledgerSize} txs at height ${atHeight}, ${minSize} needed`);
      }
      if (Date.now() >= deadline) {
        const what = atHeight !== undefined ? `height ${atHeight}` : `a ledger of ${minSize} txs`;
        throw LightErrors.NotYetCommitted(`no header commits ${what} yet (the app hash of block H is in header H+1; latest header ${latest}); try again after the next block`);
      }
      await sleep(this.opts.pollMs ?? 250);
    }
  }

  /** Proves ledger version `version` against a verified header. */
  async verifyTx(ledger: LedgerRestSource, version: bigint): Promise<AnchoredRoots & { tx: VerifiedTx }> {
    const anchored = await this.anchoredRoots(ledger, version + 1n);
    const answer = await ledger.tx(version, anchored.roots.height);
    return { ...anchored, tx: verifyLedgerTx(answer, anchored.roots) };
  }

  /**
   * Proves that the ledger of `first` txs is a prefix of the ledger of `second` txs, and both of the ledger
   * a verified header commits: the second root is tied to the anchored root by a second consistency proof.
   */
  async verifyConsistency(ledger: LedgerRestSource, first: bigint, second: bigint): Promise<AnchoredRoots & { firstRoot: Uint8Array; secondRoot: Uint8Array }> {
    if (first < 1n || first > second) throw LightErrors.InvalidArgument(`need 1 <= first <= second, got ${first} and ${second}`);
    const anchored = await this.anchoredRoots(ledger, second);
    const size = anchored.roots.ledgerSize;
    const toAnchor = verifyConsistencyAnswer(await ledger.consistency(second, size), second, size);
    if (toAnchor.secondRoot.length !== 32 || hex(toAnchor.secondRoot) !== hex(anchored.roots.ledgerRoot)) {
      throw LightErrors.InvalidProof(`the consistency proof ${second} -> ${size} ends at root ${hex(toAnchor.secondRoot)}, the verified root is ${hex(anchored.roots.ledgerRoot)}`);
    }
    const proof = verifyConsistencyAnswer(await ledger.consistency(first, second), first, second);
    if (hex(proof.secondRoot) !== hex(toAnchor.firstRoot)) {
      throw LightErrors.InvalidProof(`root of size ${second} differs between the two proofs`);
    }
    return { ...anchored, ...proof };
  }

  /** Proves a state key's value (or absence) after block `height` (default: the latest committed by a header). */
  async verifyState(ledger: LedgerRestSource, key: Uint8Array, height?: bigint): Promise<AnchoredRoots & { value: Uint8Array | undefined }> {
    const anchored = await this.anchoredRoots(ledger, 0n, height);
    const value = verifyStateAnswer(await ledger.state(key, anchored.roots.height), key, anchored.header.header.appHash);
    return { ...anchored, value };
  }
}
