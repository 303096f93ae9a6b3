import { assignSlots } from '../src/slot-allocator.js';

describe('assignSlots', () => {
  it('keeps existing slots, frees removed ones, fills the lowest free slot', () => {
    const previous = new Map([
      ['a', 0],
      ['b', 1],
      ['c', 2],
    ]);
    const slots = assignSlots(previous, ['c', 'd', 'a', 'e'], 8);
    expect(Object.fromEntries(slots)).toEqual({ a: 0, c: 2, d: 1, e: 3 });
  });

  it('never gives two policies one slot even if the previous map did', () => {
    const slots = assignSlots(
      new Map([
        ['a', 0],
        ['b', 0],
      ]),
      ['a', 'b'],
      4,
    );
    expect(new Set(slots.values()).size).toBe(2);
  });

  it('refuses more policies than the capacity with the numbers', () => {
    expect(() => assignSlots(new Map(), ['a', 'b', 'c'], 2)).toThrow(
      '3 policies for this host, its datapath holds 2',
    );
  });

  it('moves a policy whose old slot is beyond a reduced capacity', () => {
    expect(assignSlots(new Map([['a', 9]]), ['a'], 4).get('a')).toBe(0);
  });
});

describe('assignSlots avoiding slots freed by the same change', () => {
  it('prefers slots nobody used a moment ago, reuses them only when full', () => {
    expect(assignSlots(new Map(), ['x'], 4, new Set([0, 1])).get('x')).toBe(2);
    const full = assignSlots(new Map(), ['x', 'y', 'z'], 3, new Set([0]));
    expect([...full.values()].sort()).toEqual([0, 1, 2]);
  });
});
