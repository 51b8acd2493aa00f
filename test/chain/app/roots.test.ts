import t from 'tap';
import fc from 'fast-check';
import { ExecTxResult } from 'cosmjs-types/tendermint/abci/types';
import { encodeTxResult, eventsHash } from '../../../chain/app/roots.js';

const attribute = fc.record({ key: fc.string(), value: fc.string(), index: fc.boolean() });
const event = fc.record({ type: fc.string(), attributes: fc.array(attribute, { maxLength: 4 }) });
const result = fc.record({
  code: fc.nat(),
  data: fc.uint8Array({ maxLength: 40 }),
  log: fc.string(),
  info: fc.string(),
  gasWanted: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
  gasUsed: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
  events: fc.array(event, { maxLength: 5 }),
  codespace: fc.string(),
});

t.test('encodeTxResult gives the bytes of ExecTxResult.encode and the events hash, encoding events once', async (t) => {
  fc.assert(
    fc.property(result, (r) => {
      const { bytes, eventsHash: hash } = encodeTxResult(r);
      return Buffer.from(bytes).equals(Buffer.from(ExecTxResult.encode(r).finish())) && Buffer.from(hash).equals(Buffer.from(eventsHash(r.events)));
    }),
    { numRuns: 500 },
  );
  const empty = encodeTxResult(ExecTxResult.fromPartial({}));
  t.equal(empty.bytes.length, 0);
  t.equal(empty.eventsHash.length, 0, 'no events: an empty hash');
  t.pass('500 random results');
});
