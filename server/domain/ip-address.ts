// Which network an IP address belongs to, so the server never fetches a mail's remote image from
// itself, the office network or a cloud metadata service (SSRF). Pure: strings in, verdicts out.

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'unique-local'
  | 'multicast'
  | 'unspecified'
  | 'reserved'
  | 'invalid';

/** Strict dotted-quad IPv4 (the form resolvers and the URL parser produce) as a 32-bit number. */
function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    value = value * 256 + n;
  }
  return value;
}

/** IPv6 (with an optional embedded IPv4 tail and zone) as eight 16-bit groups. */
function parseIPv6(text: string): number[] | null {
  let s = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const groups: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  let tail: number[] = [];
  if (v4) {
    const n = parseIPv4(v4[1]!);
    if (n === null) return null;
    tail = [Math.floor(n / 65536), n % 65536];
    s = s.slice(0, -v4[1]!.length);
    if (s.endsWith(':') && !s.endsWith('::')) s = s.slice(0, -1);
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const read = (half: string): number[] | null => {
    if (half === '') return [];
    const out: number[] = [];
    for (const g of half.split(':')) {
      if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = read(halves[0]!);
  const rest = halves.length === 2 ? read(halves[1]!) : [];
  if (!head || !rest) return null;
  const known = head.length + rest.length + tail.length;
  if (halves.length === 2) {
    if (known > 7) return null;
    groups.push(...head, ...new Array<number>(8 - known).fill(0), ...rest, ...tail);
  } else {
    if (known !== 8) return null;
    groups.push(...head, ...tail);
  }
  return groups;
}

function inV4(value: number, base: string, bits: number): boolean {
  const size = 2 ** (32 - bits);
  const start = parseIPv4(base)!;
  return value >= start && value < start + size;
}

function classifyIPv4(value: number): AddressClass {
  if (inV4(value, '0.0.0.0', 8)) return 'unspecified';
  if (inV4(value, '127.0.0.0', 8)) return 'loopback';
  if (inV4(value, '10.0.0.0', 8) || inV4(value, '172.16.0.0', 12) || inV4(value, '192.168.0.0', 16))
    return 'private';
  if (inV4(value, '100.64.0.0', 10)) return 'cgnat';
  if (inV4(value, '169.254.0.0', 16)) return 'link-local';
  if (inV4(value, '224.0.0.0', 4)) return 'multicast';
  if (
    inV4(value, '240.0.0.0', 4) || // future use and broadcast
    inV4(value, '192.0.0.0', 24) || // IETF protocol assignments
    inV4(value, '192.0.2.0', 24) || // documentation
    inV4(value, '198.51.100.0', 24) ||
    inV4(value, '203.0.113.0', 24) ||
    inV4(value, '198.18.0.0', 15) || // benchmarking
    inV4(value, '192.88.99.0', 24) // 6to4 relay anycast
  )
    return 'reserved';
  return 'public';
}

function classifyIPv6(g: number[]): AddressClass {
  const embedded = (hi: number, lo: number) => classifyIPv4(hi * 65536 + lo);
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(8)) return 'unspecified';
  if (zeroUpTo(7) && g[7] === 1) return 'loopback';
  // ::ffff:a.b.c.d reaches the IPv4 host itself: judged as that IPv4 address.
  if (zeroUpTo(5) && g[5] === 0xffff) return embedded(g[6]!, g[7]!);
  if (zeroUpTo(6)) return 'reserved'; // deprecated IPv4-compatible ::a.b.c.d
  // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address a gateway would reach.
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) {
    const v4 = embedded(g[6]!, g[7]!);
    return v4 === 'public' ? 'public' : v4;
  }
  if (g[0] === 0x2002) {
    const v4 = embedded(g[1]!, g[2]!);
    return v4 === 'public' ? 'public' : v4;
  }
  const first = g[0]!;
  if ((first & 0xff00) === 0xff00) return 'multicast';
  if ((first & 0xfe00) === 0xfc00) return 'unique-local';
  if ((first & 0xffc0) === 0xfe80) return 'link-local';
  if ((first & 0xffc0) === 0xfec0) return 'private'; // deprecated site-local
  // Only global unicast (2000::/3) is public, minus documentation and Teredo tunnels.
  if ((first & 0xe000) !== 0x2000) return 'reserved';
  if (first === 0x2001 && (g[1] === 0x0db8 || g[1] === 0)) return 'reserved';
  return 'public';
}

/** The network an address belongs to; 'invalid' for anything that is not an IP literal. */
export function classifyAddress(address: string): AddressClass {
  const v4 = parseIPv4(address);
  if (v4 !== null) return classifyIPv4(v4);
  if (!address.includes(':')) return 'invalid';
  const v6 = parseIPv6(address);
  return v6 ? classifyIPv6(v6) : 'invalid';
}

export function isIpLiteral(host: string): boolean {
  return classifyAddress(host) !== 'invalid';
}

/** Where the server may fetch a remote image from: a public address, on the web's own ports. */
export function isPublicWebAddress(address: string, port: number): boolean {
  return classifyAddress(address) === 'public' && (port === 80 || port === 443);
}
