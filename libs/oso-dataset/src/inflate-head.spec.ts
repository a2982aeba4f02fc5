import { randomBytes } from 'node:crypto';
import { constants, deflateRawSync } from 'node:zlib';
import { inflateUpTo } from './inflate-head';

describe('inflateUpTo (a small raw-deflate decoder)', () => {
  const contents = [
    Buffer.from(''),
    Buffer.from('PK\u0003\u0004 an archive inside'),
    Buffer.from('abcabcabc '.repeat(20_000)),
    randomBytes(70_000),
    Buffer.concat([randomBytes(100), Buffer.alloc(300_000), Buffer.from('end')]),
  ];

  it.each(contents.flatMap((content) => [0, 1, 6, 9].map((level) => [content, level] as const)))(
    'unpacks what zlib packed (level %#)',
    (content, level) => {
      for (const strategy of [constants.Z_DEFAULT_STRATEGY, constants.Z_FIXED]) {
        const packed = deflateRawSync(content, { level, strategy });
        expect(Buffer.from(inflateUpTo(packed, 10 * 1024 * 1024).output).equals(content)).toBe(true);
        expect(Buffer.from(inflateUpTo(packed, 4).output)).toEqual(content.subarray(0, 4));
      }
    },
  );

  it('stops at the limit and says so', () => {
    const result = inflateUpTo(deflateRawSync(Buffer.alloc(1_000_000)), 1000);
    expect([result.output.length, result.reachedLimit]).toEqual([1000, true]);
  });

  it('gives what a truncated or damaged stream held before the damage', () => {
    const content = randomBytes(50_000);
    const packed = deflateRawSync(content, { level: 0 });
    const truncated = inflateUpTo(packed.subarray(0, 20_000), 1_000_000);
    expect(truncated.reachedLimit).toBe(false);
    expect(Buffer.from(truncated.output).equals(content.subarray(0, truncated.output.length))).toBe(true);
    expect(truncated.output.length).toBeGreaterThan(19_000);
    expect(inflateUpTo(Buffer.from([0xff, 0xff, 0xff]), 100).output.length).toBe(0);
  });

  it('reads a head from the bytes it reports, whatever follows them (what the budget of packed bytes read counts)', () => {
    for (const content of contents.filter((content) => content.length >= 4)) {
      for (const level of [1, 6, 9]) {
        const packed = deflateRawSync(content, { level });
        const head = inflateUpTo(packed, 4);
        expect(head.reachedLimit).toBe(true);
        expect(head.inputRead).toBeLessThan(packed.length);
        const sameStart = Buffer.concat([packed.subarray(0, head.inputRead), randomBytes(200)]);
        expect(Buffer.from(inflateUpTo(sameStart, 4).output)).toEqual(content.subarray(0, 4));
      }
    }
  });
});
