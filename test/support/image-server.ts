import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createImageFetcher, type FetchImage } from '../../server/mail/remote-images.ts';

// A 1×1 PNG and a 1×1 GIF, as tracking pixels and logos are.
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
export const GIF_1X1 = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export interface ImageServer {
  port: number;
  /** Every request as received: path and headers. */
  requests: { path: string; headers: IncomingHttpHeaders }[];
  /** Answers `path` with this handler (default: 404). */
  on(path: string, handler: (res: ServerResponse) => void): void;
  close(): Promise<void>;
}

/** A tiny image host on 127.0.0.1, standing in for the mail's remote hosts. */
export async function startImageServer(): Promise<ImageServer> {
  const handlers = new Map<string, (res: ServerResponse) => void>();
  const requests: ImageServer['requests'] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ path, headers: req.headers });
    const handler = handlers.get(path);
    if (handler) handler(res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    on: (path, handler) => handlers.set(path, handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The production fetcher, with names resolved from `hosts` and only this image server's loopback
 * address and port allowed besides (production allows public addresses on 80/443 only).
 */
export function imageServerFetcher(
  server: ImageServer,
  hosts: Record<string, string>,
  extra: { maxBytes?: number; timeoutMs?: number } = {},
): FetchImage {
  return createImageFetcher({
    lookup: async (name) => {
      const address = hosts[name];
      if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
      return [{ address, family: address.includes(':') ? 6 : 4 }];
    },
    allowAddress: (address, port) => address === '127.0.0.1' && port === server.port,
    ...extra,
  });
}
