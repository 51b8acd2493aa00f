import t from 'tap';
import { block, brIf, funcBody, get, I32, i32, loop, set, sleb128 } from '../../../chain/vectorIndex/wasmAsm.js';

t.test('signed LEB128 matches the specification examples', async (t) => {
  t.same(sleb128(0), [0x00]);
  t.same(sleb128(63), [0x3f]);
  t.same(sleb128(64), [0xc0, 0x00]);
  t.same(sleb128(-1), [0x7f]);
  t.same(sleb128(-64), [0x40]);
  t.same(sleb128(-65), [0xbf, 0x7f]);
  t.same(sleb128(-123456), [0xc0, 0xbb, 0x78]);
  t.same(sleb128(624485), [0xe5, 0x8e, 0x26]);
  t.same(sleb128(-(2 ** 31)), [0x80, 0x80, 0x80, 0x80, 0x78]);
});

t.test('built expressions run: sum of 1..n in a loop', async (t) => {
  // (n) -> i32: local 1 = sum
  const body = funcBody(
    [[1, I32]],
    block(
      loop(
        brIf(1, i32.eqz(get(0))),
        set(1, i32.add(get(1), get(0))),
        set(0, i32.sub(get(0), i32.const(1))),
        [0x0c, 0], // br 0
      ),
    ),
    get(1),
  );
  const type = [0x60, 1, I32, 1, I32];
  const bytes = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, type.length + 1, 1, ...type,
    0x03, 2, 1, 0,
    0x07, 7, 1, 3, ...Array.from('sum', (c) => c.charCodeAt(0)), 0x00, 0,
    0x0a, body.length + 1, 1, ...body,
  ]);
  const wasm = (globalThis as unknown as { WebAssembly: { Module: new (b: Uint8Array) => object; Instance: new (m: object) => { exports: { sum(n: number): number } } } }).WebAssembly;
  const sum = new wasm.Instance(new wasm.Module(bytes)).exports.sum;
  t.equal(sum(0), 0);
  t.equal(sum(100), 5050);
  t.equal(sum(60_000), (60_000 * 60_001) / 2);
});
