import t from 'tap';
import fc from 'fast-check';
import { TxRaw, TxBody, AuthInfo } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { SignMode } from 'cosmjs-types/cosmos/tx/signing/v1beta1/signing';
import { canonicalTxRaw, decodeTx, directSignBytes } from '../../../chain/codec/tx.js';
import { sha256 } from '../../../chain/crypto/hash.js';
import { msgSend } from '../../helpers/chain.js';

const A = 'vivian1s6snund8m65ew5ced0ldrms4amhl0wl6xllqzw';

function build(o: { body?: Partial<TxBody>; auth?: Partial<AuthInfo>; sigs?: Uint8Array[] } = {}): Uint8Array {
  const bodyBytes = TxBody.encode(TxBody.fromPartial({ messages: [msgSend(A, A, 1n)], ...o.body })).finish();
  const authInfoBytes = AuthInfo.encode(
    AuthInfo.fromPartial({
      signerInfos: [{ modeInfo: { single: { mode: SignMode.SIGN_MODE_DIRECT } }, sequence: 3n }],
      fee: { amount: [{ denom: 'uviv', amount: '10' }], gasLimit: 100_000n },
      ...o.auth,
    }),
  ).finish();
  return TxRaw.encode({ bodyBytes, authInfoBytes, signatures: o.sigs ?? [new Uint8Array(64)] }).finish();
}

t.test('a well-formed TxRaw decodes; hash is SHA-256 of the bytes', async (t) => {
  const bytes = build({ body: { memo: 'hi' } });
  const tx = decodeTx(bytes);
  t.same(tx.hash, sha256(bytes));
  t.equal(tx.memo, 'hi');
  t.equal(tx.gasLimit, 100_000);
  t.same(tx.fee, [{ denom: 'uviv', amount: 10n }]);
  t.equal(tx.signerInfos[0]!.sequence, 3n);
  t.equal(tx.messages[0]!.typeUrl, '/cosmos.bank.v1beta1.MsgSend');
  // the sign doc binds chain id and account number
  t.not(Buffer.from(directSignBytes(tx, 'a', 1n)).toString('hex'), Buffer.from(directSignBytes(tx, 'b', 1n)).toString('hex'));
  t.not(Buffer.from(directSignBytes(tx, 'a', 1n)).toString('hex'), Buffer.from(directSignBytes(tx, 'a', 2n)).toString('hex'));
});

t.test('malformed and refused shapes name the problem', async (t) => {
  const code = (f: () => unknown) => {
    try {
      f();
      return 'ok';
    } catch (e) {
      return `${(e as { codespace: string }).codespace}/${(e as { code: number }).code}: ${(e as Error).message}`;
    }
  };
  t.match(code(() => decodeTx(new Uint8Array())), /sdk\/2: empty tx/);
  t.match(code(() => decodeTx(Uint8Array.of(0x0a, 0x05, 1))), /sdk\/2: malformed TxRaw/);
  t.match(code(() => decodeTx(build(), 10)), /sdk\/21: tx is \d+ bytes, the limit is 10/);
  // the same TxRaw with an unknown field appended: its hash would differ for the same signed content
  const extended = new Uint8Array([...build(), 0x22, 0x00]);
  t.match(code(() => decodeTx(extended)), /not canonically encoded/);
  t.match(code(() => decodeTx(build({ body: { messages: [] } }))), /sdk\/18: tx has no messages/);
  t.match(code(() => decodeTx(build({ body: { extensionOptions: [{ typeUrl: '/x.Y', value: new Uint8Array() }] } }))), /sdk\/31: critical extension option/);
  t.match(code(() => decodeTx(build({ body: { nonCriticalExtensionOptions: [{ typeUrl: '/x.Y', value: new Uint8Array() }] } }))), /sdk\/31: non-critical extension option \/x.Y/);
  t.equal(code(() => decodeTx(build({ body: { nonCriticalExtensionOptions: [{ typeUrl: '/vivian.vector.v1.Embedding', value: new Uint8Array() }] } }))), 'ok');
  t.match(code(() => decodeTx(build({ auth: { fee: { amount: [], gasLimit: 1n, payer: A, granter: '' } } }))), /sdk\/37: fee payer/);
  t.match(code(() => decodeTx(build({ auth: { fee: { amount: [], gasLimit: 0n, payer: '', granter: '' } } }))), /sdk\/41/);
  t.match(code(() => decodeTx(build({ auth: { fee: { amount: [{ denom: 'uviv', amount: '-5' }], gasLimit: 1n, payer: '', granter: '' } } }))), /sdk\/10: invalid amount/);
  t.match(code(() => decodeTx(build({ sigs: [] }))), /sdk\/15/);
  t.match(code(() => decodeTx(build({ sigs: [new Uint8Array(64), new Uint8Array(64)] }))), /sdk\/4: wrong number of signatures; expected 1, got 2/);
  t.match(code(() => decodeTx(build({ sigs: Array.from({ length: 8 }, () => new Uint8Array(64)) }))), /sdk\/14/);
});

t.test('the canonical TxRaw fast path accepts exactly what decode + re-encode accepts, with the same fields', async (t) => {
  const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
  const encoded = fc
    .record({ bodyBytes: fc.uint8Array({ maxLength: 300 }), authInfoBytes: fc.uint8Array({ maxLength: 200 }), signatures: fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 3 }) })
    .map((r) => TxRaw.encode(r).finish());
  // canonical encodings, the same with a byte flipped, cut or appended, and plain noise
  const candidate = fc.oneof(
    encoded,
    fc.tuple(encoded, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([b, i, v]) => {
      const c = Uint8Array.from(b);
      if (c.length > 0) c[i % c.length] = v;
      return c;
    }),
    fc.tuple(encoded, fc.nat()).map(([b, n]) => b.subarray(0, b.length === 0 ? 0 : n % b.length)),
    fc.tuple(encoded, fc.uint8Array({ minLength: 1, maxLength: 4 })).map(([b, extra]) => Uint8Array.from([...b, ...extra])),
    fc.uint8Array({ maxLength: 64 }),
  );
  let accepted = 0;
  fc.assert(
    fc.property(candidate, (bytes) => {
      const fast = canonicalTxRaw(bytes);
      let slow: TxRaw | undefined;
      try {
        const raw = TxRaw.decode(bytes);
        if (same(TxRaw.encode(raw).finish(), bytes)) slow = raw;
      } catch {
        slow = undefined;
      }
      if (fast === undefined) return slow === undefined || slow.bodyBytes.length === 0 || slow.authInfoBytes.length === 0;
      accepted++;
      return (
        slow !== undefined &&
        same(fast.bodyBytes, slow.bodyBytes) &&
        same(fast.authInfoBytes, slow.authInfoBytes) &&
        fast.signatures.length === slow.signatures.length &&
        fast.signatures.every((s, i) => same(s, slow!.signatures[i]!))
      );
    }),
    { numRuns: 3000 },
  );
  t.ok(accepted > 500, `the fast path took ${accepted} of 3000`);
});
