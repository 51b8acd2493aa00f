import t from 'tap';
import fc from 'fast-check';
import { Any } from 'cosmjs-types/google/protobuf/any';
import { BaseAccount } from 'cosmjs-types/cosmos/auth/v1beta1/auth';
import { BASE_ACCOUNT_TYPE, decodeAccount, encodeAccount, type Account } from '../../../../chain/modules/auth/keeper.js';

const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constant(''));
const uint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const account = fc.record({
  address: text,
  pubKey: fc.option(fc.record({ typeUrl: text, value: fc.uint8Array({ maxLength: 70 }) }), { nil: undefined }),
  accountNumber: fc.oneof(fc.constant(0n), uint64),
  sequence: fc.oneof(fc.constant(0n), uint64),
});

t.test('a base account encodes to the bytes of Any.encode(BaseAccount.encode(...)) and decodes back', async (t) => {
  fc.assert(
    fc.property(account, (acc: Account) => {
      const want = Any.encode({ typeUrl: BASE_ACCOUNT_TYPE, value: BaseAccount.encode(BaseAccount.fromPartial({ address: acc.address, pubKey: acc.pubKey, accountNumber: acc.accountNumber, sequence: acc.sequence })).finish() }).finish();
      const got = encodeAccount(acc);
      if (!Buffer.from(got).equals(Buffer.from(want))) return false;
      const back = decodeAccount(got);
      return back.accountNumber === acc.accountNumber && back.sequence === acc.sequence && (back.pubKey === undefined) === (acc.pubKey === undefined);
    }),
    { numRuns: 2000 },
  );
  t.pass('2000 random accounts');
});

t.test('a module account keeps its name and permissions', async (t) => {
  const acc: Account = { address: 'vivian1abc', pubKey: undefined, accountNumber: 3n, sequence: 0n, module: { name: 'fee_collector', permissions: ['burner'] } };
  t.same(decodeAccount(encodeAccount(acc)), acc);
});
