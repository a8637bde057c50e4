import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';

export const webRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../web/dist');

// The app shell loads nothing from elsewhere; mail HTML will only ever be shown in sandboxed frames.
const CSP = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Serves the built UI with security headers on every response, and the SPA fallback. */
export default fp(
  async (app, options: { root?: string }) => {
    const root = options.root ?? webRoot;
    app.addHook('onSend', async (_request, reply) => {
      reply.header('X-Content-Type-Options', 'nosniff');
      reply.header('Referrer-Policy', 'no-referrer');
      // The mail frame route allows its own app to frame it (SAMEORIGIN); nothing else may be framed.
      if (!reply.getHeader('X-Frame-Options')) reply.header('X-Frame-Options', 'DENY');
      if (!reply.getHeader('Content-Security-Policy')) reply.header('Content-Security-Policy', CSP);
    });
    if (!existsSync(resolve(root, 'index.html'))) {
      app.log.warn({ root }, 'web UI not built; run `npm run build`');
      app.get('/', { schema: { hide: true } }, async (_request, reply) =>
        reply.code(503).type('text/plain').send('The Newsdesk UI is not built yet: run `npm run build`.\n'),
      );
      return;
    }
    await app.register(fastifyStatic, { root, wildcard: false, index: ['index.html'] });
    app.setNotFoundHandler((request, reply) => {
      if (
        request.method === 'GET' &&
        !request.url.startsWith('/api/') &&
        request.headers.accept?.includes('text/html')
      ) {
        return reply.sendFile('index.html');
      }
      return reply.code(404).send({ error: { code: 'not_found', message: 'no such route' } });
    });
  },
  { name: 'web' },
);
