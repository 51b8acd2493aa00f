/**
 * A VerifierPool worker: verifies packed batches with the same node:crypto path the ante uses
 * (verifyWithPubKey, cached key objects) and answers one byte per check (1 = valid).
 */
import { parentPort } from 'node:worker_threads';
import { unpackChecks } from './verifyBatch.js';
import { verifyWithPubKey } from './pubkeys.js';

parentPort!.on('message', ({ id, packed }: { id: number; packed: Uint8Array }) => {
  const checks = unpackChecks(packed);
  const ok = new Uint8Array(checks.length);
  checks.forEach((c, i) => {
    try {
      ok[i] = verifyWithPubKey({ algo: c.algo, key: c.key }, c.message, c.signature) ? 1 : 0;
    } catch {
      ok[i] = 0; // a key that cannot be used: the ante names the problem when it checks the tx itself
    }
  });
  parentPort!.postMessage({ id, ok }, [ok.buffer]);
});
