// Remote images of mail from senders staff allowed, fetched by the server and inlined as data: URLs,
// so the officer's browser never contacts a mail's hosts (no tracking pixel sees their IP, and the
// frame's CSP can stay `img-src data:`). The fetch itself is the SSRF surface: every hop is resolved
// here, checked, and connected to by the address that was checked.
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIpLiteral, isPublicWebAddress } from '../domain/ip-address.ts';

export type RasterType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

export interface FetchedImage {
  contentType: RasterType;
  data: Buffer;
}

/** Fetches one remote image or rejects (ImageRefused for a policy reason, any error otherwise). */
export type FetchImage = (url: string) => Promise<FetchedImage>;

export type RefusalReason =
  'scheme' | 'address' | 'unresolved' | 'redirects' | 'status' | 'not_image' | 'too_large' | 'timeout';

export class ImageRefused extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'ImageRefused';
  }
}

export interface ImageFetcherOptions {
  /** Name resolution (default: the system resolver, every address). */
  lookup?: (hostname: string) => Promise<{ address: string; family: number }[]>;
  /**
   * Which resolved address and port may be connected to. Production never sets it (public addresses
   * on 80/443 only); tests widen it to their own loopback image server.
   */
  allowAddress?: (address: string, port: number) => boolean;
  maxBytes?: number;
  timeoutMs?: number;
  maxRedirects?: number;
}

export const IMAGE_FETCH_DEFAULTS = { maxBytes: 2 * 1024 * 1024, timeoutMs: 5_000, maxRedirects: 3 };

const RASTER_HEADER = /^image\/(png|jpe?g|gif|webp)\s*(;|$)/i;
// Looks like any ordinary browser fetching a picture: nothing that names us or the officer.
const USER_AGENT = 'Mozilla/5.0 (compatible; image fetch)';

/** The raster type the bytes really are (magic numbers), or null: SVG, HTML and the rest never pass. */
export function sniffRasterType(data: Buffer): RasterType | null {
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10])))
    return 'image/png';
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  const head = data.subarray(0, 12).toString('latin1');
  if (head.startsWith('GIF87a') || head.startsWith('GIF89a')) return 'image/gif';
  if (head.startsWith('RIFF') && head.slice(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

async function systemLookup(hostname: string): Promise<{ address: string; family: number }[]> {
  return dnsLookup(hostname, { all: true, verbatim: true });
}

interface Hop {
  status: number;
  location: string | undefined;
  contentType: string;
  body: Buffer | null;
}

/** A fetcher with the SSRF guard; see ImageFetcherOptions. */
export function createImageFetcher(options: ImageFetcherOptions = {}): FetchImage {
  const lookup = options.lookup ?? systemLookup;
  const allowAddress = options.allowAddress ?? isPublicWebAddress;
  const maxBytes = options.maxBytes ?? IMAGE_FETCH_DEFAULTS.maxBytes;
  const timeoutMs = options.timeoutMs ?? IMAGE_FETCH_DEFAULTS.timeoutMs;
  const maxRedirects = options.maxRedirects ?? IMAGE_FETCH_DEFAULTS.maxRedirects;

  /** The one address this hop may connect to, after checking every address the name has. */
  async function checkedAddress(url: URL, port: number): Promise<{ address: string; family: number }> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const found = isIpLiteral(host)
      ? [{ address: host, family: host.includes(':') ? 6 : 4 }]
      : await lookup(host).catch(() => []);
    if (found.length === 0) throw new ImageRefused('unresolved', `${host} does not resolve`);
    // One private answer among public ones is refused too: the connection could pick it.
    const refused = found.find((a) => !allowAddress(a.address, port));
    if (refused) throw new ImageRefused('address', `${host} resolves to ${refused.address}:${port}`);
    return found[0]!;
  }

  function requestHop(url: URL, pinned: { address: string; family: number }, signal: AbortSignal) {
    return new Promise<Hop>((resolve, reject) => {
      // Connect to the address we checked, never to a second resolution (DNS rebinding).
      const pinnedLookup: LookupFunction = (_host, lookupOptions, callback) => {
        if (lookupOptions.all) callback(null, [pinned]);
        else callback(null, pinned.address, pinned.family);
      };
      const client = url.protocol === 'https:' ? https : http;
      const req = client.request(url, {
        method: 'GET',
        lookup: pinnedLookup,
        agent: false,
        signal,
        headers: {
          'User-Agent': USER_AGENT,
          Accept: 'image/png,image/jpeg,image/gif,image/webp',
          'Accept-Encoding': 'identity',
        },
      });
      req.on('error', reject);
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const contentType = String(res.headers['content-type'] ?? '');
        const done = (body: Buffer | null) =>
          resolve({ status, location: res.headers.location, contentType, body });
        if (status !== 200) {
          res.destroy();
          return done(null);
        }
        if (!RASTER_HEADER.test(contentType)) {
          res.destroy();
          return reject(new ImageRefused('not_image', `content type ${contentType || 'missing'}`));
        }
        if (Number(res.headers['content-length'] ?? 0) > maxBytes) {
          res.destroy();
          return reject(new ImageRefused('too_large', `declared ${res.headers['content-length']} bytes`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            res.destroy();
            reject(new ImageRefused('too_large', `more than ${maxBytes} bytes`));
          } else chunks.push(chunk);
        });
        res.on('error', reject);
        res.on('end', () => done(Buffer.concat(chunks)));
        // A cut connection may close without an error; settling twice is a no-op.
        res.on('close', () => reject(new Error('connection closed before the image ended')));
      });
      req.end();
    });
  }

  async function fetchWithin(start: string, signal: AbortSignal): Promise<FetchedImage> {
    let url = new URL(start);
    for (let hop = 0; ; hop++) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new ImageRefused('scheme', `${url.protocol} is not fetched`);
      if (url.username || url.password) throw new ImageRefused('scheme', 'credentials in the URL');
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
      const pinned = await checkedAddress(url, port);
      const res = await requestHop(url, pinned, signal);
      if (res.status >= 300 && res.status < 400 && res.location) {
        // Followed by hand so every hop passes the same checks.
        if (hop >= maxRedirects) throw new ImageRefused('redirects', `more than ${maxRedirects} redirects`);
        url = new URL(res.location, url);
        continue;
      }
      if (res.status !== 200 || !res.body) throw new ImageRefused('status', `HTTP ${res.status}`);
      const sniffed = sniffRasterType(res.body);
      if (!sniffed) throw new ImageRefused('not_image', 'the bytes are not a PNG, JPEG, GIF or WebP');
      return { contentType: sniffed, data: res.body };
    }
  }

  return async (url) => {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      return await fetchWithin(url, signal);
    } catch (err) {
      if (signal.aborted && !(err instanceof ImageRefused))
        throw new ImageRefused('timeout', `no answer within ${timeoutMs} ms`);
      throw err;
    }
  };
}

export interface RemoteImageLimits {
  /** Distinct remote images fetched per message; the rest are dropped. */
  maxImages: number;
  concurrency: number;
  /** All of one message's remote images together. */
  maxTotalBytes: number;
  /** The whole message: images still loading then are dropped (and cached for the next view). */
  deadlineMs: number;
}

export const REMOTE_IMAGE_LIMITS: RemoteImageLimits = {
  maxImages: 40,
  concurrency: 4,
  maxTotalBytes: 12 * 1024 * 1024,
  deadlineMs: 10_000,
};

interface CacheEntry {
  expiresAt: number;
  bytes: number;
  image: Promise<FetchedImage | null>;
}

/**
 * Fetched images by URL, in memory, least recently used first out. Not in the blobs table: these are
 * third-party pictures that may change or track, not part of any mail we keep, and a restart losing
 * them costs one refetch. A fetch in flight is shared, so the page and its info ask the host once.
 */
export class RemoteImageCache {
  private readonly entries = new Map<string, CacheEntry>();
  private totalBytes = 0;

  constructor(
    private readonly fetchImage: FetchImage,
    private readonly options: {
      now: () => number;
      ttlMs?: number;
      failureTtlMs?: number;
      maxBytes?: number;
      onError?: (url: string, err: unknown) => void;
    },
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(url: string): Promise<FetchedImage | null> {
    const now = this.options.now();
    const hit = this.entries.get(url);
    if (hit && hit.expiresAt > now) {
      this.entries.delete(url);
      this.entries.set(url, hit);
      return hit.image;
    }
    if (hit) this.remove(url);
    const entry: CacheEntry = {
      expiresAt: now + (this.options.ttlMs ?? 60 * 60_000),
      bytes: 0,
      image: this.fetchImage(url).then(
        (image) => {
          entry.bytes = image.data.length;
          this.totalBytes += entry.bytes;
          this.evict();
          return image;
        },
        (err: unknown) => {
          this.options.onError?.(url, err);
          // Failures are remembered briefly: a dead host is not asked again on every view.
          entry.expiresAt = this.options.now() + (this.options.failureTtlMs ?? 5 * 60_000);
          return null;
        },
      ),
    };
    this.entries.set(url, entry);
    return entry.image;
  }

  private remove(url: string): void {
    const entry = this.entries.get(url);
    if (!entry) return;
    this.totalBytes -= entry.bytes;
    this.entries.delete(url);
  }

  private evict(): void {
    const max = this.options.maxBytes ?? 64 * 1024 * 1024;
    for (const url of this.entries.keys()) {
      if (this.totalBytes <= max && this.entries.size <= 5000) break;
      this.remove(url);
    }
  }
}

export interface InlinedImages {
  /** data: URL by remote URL, for the images that made it within the limits. */
  dataUrls: Map<string, string>;
  /** Distinct remote images not shown: refused, failed, too late, or over the count or byte limits. */
  dropped: number;
}

/** Fetches a message's remote images (in document order) within the limits, as data: URLs. */
export async function inlineRemoteImages(
  urls: readonly string[],
  cache: RemoteImageCache,
  limits: RemoteImageLimits = REMOTE_IMAGE_LIMITS,
): Promise<InlinedImages> {
  const distinct = [...new Set(urls)];
  const wanted = distinct.slice(0, limits.maxImages);
  const results: (FetchedImage | null)[] = new Array<FetchedImage | null>(wanted.length).fill(null);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), limits.deadlineMs);
  });
  let next = 0;
  const worker = async () => {
    while (next < wanted.length) {
      const index = next++;
      const got = await Promise.race([cache.get(wanted[index]!), deadline]);
      if (got === 'late') return;
      results[index] = got;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(limits.concurrency, wanted.length) }, worker));
  } finally {
    clearTimeout(timer);
  }
  const dataUrls = new Map<string, string>();
  let total = 0;
  // Summed in document order, so which images fit does not depend on which host answered first.
  wanted.forEach((url, i) => {
    const image = results[i];
    if (!image || total + image.data.length > limits.maxTotalBytes) return;
    total += image.data.length;
    dataUrls.set(url, `data:${image.contentType};base64,${image.data.toString('base64')}`);
  });
  return { dataUrls, dropped: distinct.length - dataUrls.size };
}
