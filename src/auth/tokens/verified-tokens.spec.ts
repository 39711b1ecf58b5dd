import { VerifiedTokens } from './verified-tokens';

describe('VerifiedTokens', () => {
  it('gives back what was added until its exp, then forgets it', () => {
    const verified = new VerifiedTokens<{ exp: number }>(10);
    verified.add('a', { exp: 100 });
    expect(verified.get('a', 99)).toEqual({ exp: 100 });
    expect(verified.get('a', 100)).toBeUndefined();
    expect(verified.size).toBe(0);
    expect(verified.get('b', 0)).toBeUndefined();
  });

  it('holds at most its capacity, dropping the oldest first', () => {
    const verified = new VerifiedTokens<{ exp: number }>(3);
    for (const token of ['a', 'b', 'c', 'd']) verified.add(token, { exp: 100 });
    expect(verified.size).toBe(3);
    expect(verified.get('a', 0)).toBeUndefined();
    expect(['b', 'c', 'd'].map((token) => verified.get(token, 0))).toEqual([{ exp: 100 }, { exp: 100 }, { exp: 100 }]);
  });
});
