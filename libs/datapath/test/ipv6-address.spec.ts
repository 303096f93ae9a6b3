import {
  formatIpv6Address,
  parseIpv6Address,
  parseIpv6Prefix,
  formatIpv6Prefix,
  prefixCovers,
} from '../src/ipv6-address.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('parseIpv6Address', () => {
  it.each([
    ['::', '00000000000000000000000000000000'],
    ['::1', '00000000000000000000000000000001'],
    ['2001:db8::1', '20010db8000000000000000000000001'],
    ['fc00:0:1::d6', 'fc000000000100000000000000000000'.slice(0, 28) + '00d6'],
    ['2001:DB8:0:0:1:2:3:4', '20010db8000000000001000200030004'],
    ['::ffff:192.0.2.1', '00000000000000000000ffffc0000201'],
    ['1:2:3:4:5:6:7::', '00010002000300040005000600070000'],
  ])('%s', (text, expected) => {
    expect(hex(parseIpv6Address(text))).toBe(expected);
  });

  it.each(['', '1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', 'g::1', '1:2:3:4:5:6:7', '::1.2.3.256'])(
    'refuses %j naming it',
    (text) => {
      expect(() => parseIpv6Address(text)).toThrow(`'${text}'`);
    },
  );

  it('hands out a fresh array on every call (parsed texts are cached, never shared)', () => {
    const first = parseIpv6Address('2001:db8::7');
    first[0] = 0xff;
    const again = parseIpv6Address('2001:db8::7');
    expect(again[0]).toBe(0x20);
    expect(again).not.toBe(first);
    expect(() => parseIpv6Address('2001:db8::7::')).toThrow(/more than one '::'/);
  });
});

describe('formatIpv6Address', () => {
  it.each([
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['::', '::'],
    ['1:0:2:0:3:0:4:0', '1:0:2:0:3:0:4:0'],
  ])('%s -> %s', (text, expected) => {
    expect(formatIpv6Address(parseIpv6Address(text))).toBe(expected);
  });
});

describe('parseIpv6Prefix', () => {
  it('clears host bits and defaults to /128', () => {
    expect(formatIpv6Prefix(parseIpv6Prefix('2001:db8:b::17/64'))).toBe('2001:db8:b::/64');
    expect(formatIpv6Prefix(parseIpv6Prefix('2001:db8::ffff/127'))).toBe('2001:db8::fffe/127');
    expect(parseIpv6Prefix('2001:db8::1').length).toBe(128);
  });

  it.each(['2001:db8::/129', '2001:db8::/-1', '2001:db8::/', '2001:db8::/6/4', 'x/64'])(
    'refuses %s',
    (text) => {
      expect(() => parseIpv6Prefix(text)).toThrow(/invalid IPv6/);
    },
  );

  it('prefixCovers compares only the outer prefix bits', () => {
    const wide = parseIpv6Prefix('2001:db8::/32');
    const narrow = parseIpv6Prefix('2001:db8:b::/64');
    expect(prefixCovers(wide, narrow)).toBe(true);
    expect(prefixCovers(narrow, wide)).toBe(false);
    expect(prefixCovers(narrow, parseIpv6Prefix('2001:db8:c::1'))).toBe(false);
    expect(prefixCovers(parseIpv6Prefix('::/0'), narrow)).toBe(true);
  });
});
