import { KEY_ALGOS, type KeyAlgo } from './pubkeys.js';

/** One signature to verify: the same inputs as verifyWithPubKey. */
export interface SignatureCheck {
  algo: KeyAlgo;
  key: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
}

/**
 * A batch of checks packed into one buffer, so a batch crosses to a worker as one transferred ArrayBuffer
 * (structured clone would copy the whole backing buffer of every small view, often an 8 KiB pool slab).
 * Per check: u8 algo index, u8 key length, key, u32le message length, message, u8 signature length, signature.
 */
export function packChecks(checks: readonly SignatureCheck[]): Uint8Array {
  let size = 0;
  for (const c of checks) size += 7 + c.key.length + c.message.length + c.signature.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const c of checks) {
    if (c.key.length > 255 || c.signature.length > 255) throw new RangeError('key or signature too long to pack');
    out[at++] = KEY_ALGOS.indexOf(c.algo);
    out[at++] = c.key.length;
    out.set(c.key, at);
    at += c.key.length;
    view.setUint32(at, c.message.length, true);
    at += 4;
    out.set(c.message, at);
    at += c.message.length;
    out[at++] = c.signature.length;
    out.set(c.signature, at);
    at += c.signature.length;
  }
  return out;
}

export function unpackChecks(packed: Uint8Array): SignatureCheck[] {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const out: SignatureCheck[] = [];
  let at = 0;
  while (at < packed.length) {
    const algo = KEY_ALGOS[packed[at++]!]!;
    const keyLength = packed[at++]!;
    const key = packed.subarray(at, (at += keyLength));
    const messageLength = view.getUint32(at, true);
    at += 4;
    const message = packed.subarray(at, (at += messageLength));
    const signatureLength = packed[at++]!;
    const signature = packed.subarray(at, (at += signatureLength));
    out.push({ algo, key, message, signature });
  }
  return out;
}
