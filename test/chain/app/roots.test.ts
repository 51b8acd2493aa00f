import t from 'tap';
import fc from 'fast-check';
import { ExecTxResult } from 'cosmjs-types/tendermint/abci/types';
import { encodeTxResult, eventsHash } from '../../../chain/app/roots.js';
import { sha256 } from '../../../chain/crypto/hash.js';

// ASCII, any code point, and lone surrogates (which cosmjs-types still writes, as 3 bytes): the bytes must match
const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('\ud800', 'a\udfffb', '\u00e9t\u00e9', '\u{1f600}'));
const attribute = fc.record({ key: text, value: text, index: fc.boolean() });
const event = fc.record({ type: text, attributes: fc.array(attribute, { maxLength: 4 }) });
const result = fc.record({
  code: fc.nat(),
  data: fc.uint8Array({ maxLength: 200 }),
  log: text,
  info: text,
  gasWanted: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  gasUsed: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
  events: fc.array(event, { maxLength: 5 }),
  codespace: text,
});

t.test('encodeTxResult gives the bytes of ExecTxResult.encode and the events hash, encoding events once', async (t) => {
  fc.assert(
    fc.property(result, (r) => {
      const { bytes, eventsHash: hash } = encodeTxResult(r);
      const eventsOnly = ExecTxResult.encode(ExecTxResult.fromPartial({ events: r.events })).finish();
      const expectedHash = r.events.length > 0 ? sha256(eventsOnly) : new Uint8Array();
      return (
        Buffer.from(bytes).equals(Buffer.from(ExecTxResult.encode(r).finish())) &&
        Buffer.from(hash).equals(Buffer.from(expectedHash)) &&
        Buffer.from(eventsHash(r.events)).equals(Buffer.from(expectedHash))
      );
    }),
    { numRuns: 2000 },
  );
  const empty = encodeTxResult(ExecTxResult.fromPartial({}));
  t.equal(empty.bytes.length, 0);
  t.equal(empty.eventsHash.length, 0, 'no events: an empty hash');
  t.pass('2000 random results');
});
