import { describe, expect, it } from 'vitest';
import { classifyAddress, isPublicWebAddress } from '../../../server/domain/ip-address.ts';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.254', 'cgnat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['93.184.216.34', 'public'],
    ['172.32.0.1', 'public'],
    ['100.128.0.1', 'public'],
    ['8.8.8.8', 'public'],
  ])('IPv4 %s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it.each([
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['fec0::1', 'private'],
    ['2001:db8::1', 'reserved'],
    ['2001:0:4136:e378::1', 'reserved'], // Teredo
    ['::127.0.0.1', 'reserved'], // IPv4-compatible, deprecated
    ['100::1', 'reserved'],
    ['2606:4700:4700::1111', 'public'],
    ['2a00:1450:4001:80b::200e', 'public'],
  ])('IPv6 %s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::FFFF:169.254.169.254', 'link-local'],
    ['0:0:0:0:0:ffff:100.64.0.1', 'cgnat'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::10.0.0.1', 'private'], // NAT64 to a private host
    ['64:ff9b::8.8.8.8', 'public'],
    ['2002:7f00:1::', 'loopback'], // 6to4 wrapping 127.0.0.1
    ['2002:c0a8:101::1', 'private'], // 6to4 wrapping 192.168.1.1
  ])('IPv4 inside IPv6 %s is judged as the IPv4 address: %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it.each(['localhost', 'example.org', '2130706433', '0x7f.1', '1.2.3', '1.2.3.256', '1:2:3', ':::1', ''])(
    '%s is no IP literal',
    (text) => {
      expect(classifyAddress(text)).toBe('invalid');
    },
  );
});

describe('isPublicWebAddress', () => {
  it('allows public addresses on ports 80 and 443 only', () => {
    expect(isPublicWebAddress('93.184.216.34', 80)).toBe(true);
    expect(isPublicWebAddress('2606:4700:4700::1111', 443)).toBe(true);
    expect(isPublicWebAddress('93.184.216.34', 8080)).toBe(false);
    expect(isPublicWebAddress('93.184.216.34', 22)).toBe(false);
    expect(isPublicWebAddress('127.0.0.1', 80)).toBe(false);
    expect(isPublicWebAddress('::ffff:192.168.0.1', 443)).toBe(false);
  });
});
