import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createImageFetcher,
  ImageRefused,
  inlineRemoteImages,
  RemoteImageCache,
  REMOTE_IMAGE_LIMITS,
  sniffRasterType,
  type FetchImage,
} from '../../../server/mail/remote-images.ts';
import {
  GIF_1X1,
  imageServerFetcher,
  PNG_1X1,
  startImageServer,
  type ImageServer,
} from '../../support/image-server.ts';

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ImageRefused) return err.reason;
    throw err;
  }
  throw new Error('the fetch was not refused');
}

describe('remote image fetcher (SSRF guard)', () => {
  let server: ImageServer;
  let fetchImage: FetchImage;
  let base: string;

  beforeAll(async () => {
    server = await startImageServer();
    base = `http://images.paper.test:${server.port}`;
    fetchImage = imageServerFetcher(server, {
      'images.paper.test': '127.0.0.1',
      'internal.paper.test': '10.0.0.7',
    });
    const png = (res: ServerResponse) => res.writeHead(200, { 'Content-Type': 'image/png' }).end(PNG_1X1);
    server.on('/logo.png', png);
    server.on('/gif-says-png', (res) => res.writeHead(200, { 'Content-Type': 'image/png' }).end(GIF_1X1));
    server.on('/page', (res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<h1>hi</h1>'));
    server.on('/svg', (res) =>
      res.writeHead(200, { 'Content-Type': 'image/svg+xml' }).end('<svg onload="alert(1)"/>'),
    );
    server.on('/html-as-png', (res) =>
      res.writeHead(200, { 'Content-Type': 'image/png' }).end('<script>alert(1)</script>'),
    );
    server.on('/missing', (res) => res.writeHead(404).end());
    server.on('/big-declared', (res) =>
      res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': String(50 * 1024 * 1024) }).end(),
    );
    server.on('/big-streamed', (res) => {
      // 50 MB without a length, written until the fetcher hangs up.
      res.writeHead(200, { 'Content-Type': 'image/png' });
      const chunk = Buffer.concat([PNG_1X1, Buffer.alloc(64 * 1024 - PNG_1X1.length)]);
      let sent = 0;
      const pump = () => {
        while (sent < 50 * 1024 * 1024 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    server.on('/silent', () => undefined);
    server.on('/to-loopback', (res) =>
      res.writeHead(302, { Location: `http://127.0.0.1:${server.port + 1}/secret` }).end(),
    );
    server.on('/to-metadata', (res) =>
      res.writeHead(301, { Location: 'http://169.254.169.254/latest/meta-data/' }).end(),
    );
    server.on('/to-internal-name', (res) =>
      res.writeHead(307, { Location: `http://internal.paper.test:${server.port}/logo.png` }).end(),
    );
    server.on('/to-file', (res) => res.writeHead(302, { Location: 'file:///etc/passwd' }).end());
    server.on('/relative', (res) => res.writeHead(302, { Location: '/logo.png' }).end());
    for (let i = 1; i <= 4; i++)
      server.on(`/hop${i}`, (res) =>
        res.writeHead(302, { Location: i === 4 ? '/logo.png' : `/hop${i + 1}` }).end(),
      );
  });
  afterAll(async () => server.close());

  it('fetches a PNG with no cookie, no Referer and a User-Agent that names nobody', async () => {
    const image = await fetchImage(`${base}/logo.png`);
    expect(image.contentType).toBe('image/png');
    expect(image.data.equals(PNG_1X1)).toBe(true);
    const request = server.requests.find((r) => r.path === '/logo.png')!;
    expect(request.headers.cookie).toBeUndefined();
    expect(request.headers.referer).toBeUndefined();
    expect(request.headers['user-agent']).not.toMatch(/newsdesk|node/i);
    expect(request.headers.host).toBe(`images.paper.test:${server.port}`);
  });

  it('takes the type from the bytes, not the header, and refuses what is not a raster image', async () => {
    expect((await fetchImage(`${base}/gif-says-png`)).contentType).toBe('image/gif');
    expect(await refusal(fetchImage(`${base}/page`))).toBe('not_image');
    expect(await refusal(fetchImage(`${base}/svg`))).toBe('not_image');
    expect(await refusal(fetchImage(`${base}/html-as-png`))).toBe('not_image');
    expect(await refusal(fetchImage(`${base}/missing`))).toBe('status');
  });

  it('refuses images over the size limit, declared or streamed (a 50 MB image)', async () => {
    expect(await refusal(fetchImage(`${base}/big-declared`))).toBe('too_large');
    const started = Date.now();
    expect(await refusal(fetchImage(`${base}/big-streamed`))).toBe('too_large');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('gives up on a host that does not answer', async () => {
    const quick = imageServerFetcher(server, { 'images.paper.test': '127.0.0.1' }, { timeoutMs: 300 });
    expect(await refusal(quick(`${base}/silent`))).toBe('timeout');
  });

  it('re-checks every redirect hop: private targets, other schemes and long chains are refused', async () => {
    const before = server.requests.length;
    expect(await refusal(fetchImage(`${base}/to-loopback`))).toBe('address');
    expect(await refusal(fetchImage(`${base}/to-metadata`))).toBe('address');
    expect(await refusal(fetchImage(`${base}/to-internal-name`))).toBe('address');
    expect(await refusal(fetchImage(`${base}/to-file`))).toBe('scheme');
    // Only the first hop of each reached the server; the private targets were never contacted.
    expect(server.requests.slice(before).map((r) => r.path)).toEqual([
      '/to-loopback',
      '/to-metadata',
      '/to-internal-name',
      '/to-file',
    ]);
    expect((await fetchImage(`${base}/relative`)).contentType).toBe('image/png');
    expect((await fetchImage(`${base}/hop2`)).contentType).toBe('image/png'); // 3 redirects
    expect(await refusal(fetchImage(`${base}/hop1`))).toBe('redirects'); // 4 redirects
  });

  it('connects to the address it checked, never to a second answer (DNS rebinding)', async () => {
    let lookups = 0;
    const rebinding = createImageFetcher({
      // The first answer passes the check; any later one would point inside.
      lookup: async () => [{ address: lookups++ === 0 ? '127.0.0.1' : '10.0.0.1', family: 4 }],
      allowAddress: (address, port) => address === '127.0.0.1' && port === server.port,
    });
    expect((await rebinding(`http://rebind.paper.test:${server.port}/logo.png`)).contentType).toBe(
      'image/png',
    );
    expect(lookups).toBe(1);
    // A name with a private address among public ones is refused outright.
    const mixed = createImageFetcher({
      lookup: async () => [
        { address: '127.0.0.1', family: 4 },
        { address: '192.168.0.1', family: 4 },
      ],
      allowAddress: (address, port) => address === '127.0.0.1' && port === server.port,
    });
    expect(await refusal(mixed(`http://mixed.paper.test:${server.port}/logo.png`))).toBe('address');
  });

  it('with the production guard, refuses private and special addresses and other ports before connecting', async () => {
    const resolvedTo = (address: string) =>
      createImageFetcher({ lookup: async () => [{ address, family: address.includes(':') ? 6 : 4 }] });
    const literal = createImageFetcher({
      lookup: async () => {
        throw new Error('IP literals are never looked up');
      },
    });
    const before = server.requests.length;
    for (const url of [
      `http://127.0.0.1:${server.port}/logo.png`,
      'http://127.0.0.1/logo.png',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/x.png',
      'http://100.64.0.1/x.png',
      'http://[fe80::1]/x.png',
      'http://[::ffff:127.0.0.1]/x.png',
      'http://[::ffff:a9fe:a9fe]/x.png',
      'http://2130706433/x.png', // decimal 127.0.0.1
      'http://0x7f.1/x.png',
      'http://10.0.0.1/x.png',
      'http://0.0.0.0/x.png',
      'http://[fd00::1]/x.png',
    ]) {
      expect(await refusal(literal(url)), url).toBe('address');
    }
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '192.168.1.10',
      '::1',
      'fc00::5',
      '::ffff:10.0.0.1',
      '224.0.0.1',
    ])
      expect(await refusal(resolvedTo(address)('http://10.0.0.1.nip.io/x.png')), address).toBe('address');
    expect(await refusal(resolvedTo('93.184.216.34')('http://cdn.example.org:8080/x.png'))).toBe('address');
    expect(await refusal(resolvedTo('93.184.216.34')('http://cdn.example.org:22/x.png'))).toBe('address');
    for (const url of ['ftp://cdn.example.org/x.png', 'file:///etc/passwd', 'data:image/png;base64,AAAA'])
      expect(await refusal(literal(url)), url).toBe('scheme');
    expect(await refusal(resolvedTo('93.184.216.34')('http://user:pw@cdn.example.org/x.png'))).toBe('scheme');
    expect(server.requests.length).toBe(before);
  });
});

describe('sniffRasterType', () => {
  it('knows PNG, JPEG, GIF and WebP by their first bytes only', () => {
    expect(sniffRasterType(PNG_1X1)).toBe('image/png');
    expect(sniffRasterType(GIF_1X1)).toBe('image/gif');
    expect(sniffRasterType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toBe('image/jpeg');
    expect(sniffRasterType(Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe('image/webp');
    expect(sniffRasterType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffRasterType(Buffer.from('BM\x00\x00'))).toBeNull();
    expect(sniffRasterType(Buffer.alloc(0))).toBeNull();
  });
});

describe('inlineRemoteImages and the cache', () => {
  function countingFetcher(sizes: Record<string, number>, delayMs = 0) {
    const calls: string[] = [];
    const fetchImage: FetchImage = async (url) => {
      calls.push(url);
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      const size = sizes[url];
      if (size === undefined) throw new ImageRefused('status', 'HTTP 404');
      return {
        contentType: 'image/png',
        data: Buffer.concat([PNG_1X1, Buffer.alloc(Math.max(0, size - PNG_1X1.length))]),
      };
    };
    return { calls, fetchImage };
  }

  it('inlines each distinct image once, as a data: URL, and counts what it could not show', async () => {
    const { calls, fetchImage } = countingFetcher({
      'https://a.test/1.png': 100,
      'https://a.test/2.png': 100,
    });
    const cache = new RemoteImageCache(fetchImage, { now: () => 0 });
    const out = await inlineRemoteImages(
      ['https://a.test/1.png', 'https://a.test/2.png', 'https://a.test/1.png', 'https://a.test/gone.png'],
      cache,
    );
    expect(out.dataUrls.get('https://a.test/1.png')).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(out.dataUrls.size).toBe(2);
    expect(out.dropped).toBe(1);
    expect(calls.sort()).toEqual(['https://a.test/1.png', 'https://a.test/2.png', 'https://a.test/gone.png']);
  });

  it('keeps to the count and total-size limits, in document order', async () => {
    const sizes = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`https://a.test/${i}.png`, 1000]));
    const { calls, fetchImage } = countingFetcher(sizes);
    const cache = new RemoteImageCache(fetchImage, { now: () => 0 });
    const limits = { ...REMOTE_IMAGE_LIMITS, maxImages: 4, maxTotalBytes: 2500 };
    const out = await inlineRemoteImages(Object.keys(sizes), cache, limits);
    expect(calls).toHaveLength(4); // the 5th and 6th were never fetched
    expect([...out.dataUrls.keys()]).toEqual(['https://a.test/0.png', 'https://a.test/1.png']);
    expect(out.dropped).toBe(4);
  });

  it('fetches with limited concurrency and drops what is still loading at the deadline', async () => {
    let running = 0;
    let peak = 0;
    const fetchImage: FetchImage = async (url) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, url.includes('slow') ? 2_000 : 20));
      running--;
      return { contentType: 'image/png', data: PNG_1X1 };
    };
    const cache = new RemoteImageCache(fetchImage, { now: () => 0 });
    const urls = [
      ...Array.from({ length: 10 }, (_, i) => `https://a.test/${i}.png`),
      'https://a.test/slow.png',
    ];
    const started = Date.now();
    const out = await inlineRemoteImages(urls, cache, {
      ...REMOTE_IMAGE_LIMITS,
      concurrency: 3,
      deadlineMs: 500,
    });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(peak).toBe(3);
    expect(out.dataUrls.size).toBe(10);
    expect(out.dropped).toBe(1);
  });

  it('does not refetch within the hour, shares a fetch in flight, and refetches once expired', async () => {
    let now = 0;
    const { calls, fetchImage } = countingFetcher({ 'https://a.test/p.gif': 50 }, 20);
    const cache = new RemoteImageCache(fetchImage, { now: () => now });
    await Promise.all([cache.get('https://a.test/p.gif'), cache.get('https://a.test/p.gif')]);
    expect(calls).toHaveLength(1);
    now += 59 * 60_000;
    expect(await cache.get('https://a.test/p.gif')).not.toBeNull();
    expect(calls).toHaveLength(1);
    now += 2 * 60_000;
    await cache.get('https://a.test/p.gif');
    expect(calls).toHaveLength(2);
    // Failures are remembered for a few minutes, not an hour.
    expect(await cache.get('https://a.test/none.gif')).toBeNull();
    expect(await cache.get('https://a.test/none.gif')).toBeNull();
    expect(calls).toHaveLength(3);
    now += 6 * 60_000;
    await cache.get('https://a.test/none.gif');
    expect(calls).toHaveLength(4);
  });

  it('evicts the least recently used images beyond its byte budget', async () => {
    const sizes = { 'https://a.test/a': 400, 'https://a.test/b': 400, 'https://a.test/c': 400 };
    const { calls, fetchImage } = countingFetcher(sizes);
    const cache = new RemoteImageCache(fetchImage, { now: () => 0, maxBytes: 1000 });
    await cache.get('https://a.test/a');
    await cache.get('https://a.test/b');
    await cache.get('https://a.test/a'); // a is now the most recent
    await cache.get('https://a.test/c'); // over budget: b goes
    expect(cache.size).toBe(2);
    await cache.get('https://a.test/a');
    expect(calls.filter((u) => u.endsWith('/a'))).toHaveLength(1);
    await cache.get('https://a.test/b');
    expect(calls.filter((u) => u.endsWith('/b'))).toHaveLength(2);
  });
});
