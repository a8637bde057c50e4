import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { and, eq } from 'drizzle-orm';
import { attachments, blobs, messages } from '../../../db/schema.ts';
import { allowImagesFrom, blockImagesFrom, imagesAllowedFrom } from '../../commands/image-senders.ts';
import { sanitizeMailHtml, type SanitizeResult } from '../../domain/html-sanitize.ts';
import { AppError } from '../../errors.ts';
import type { Db } from '../../../db/client.ts';
import {
  createImageFetcher,
  ImageRefused,
  inlineRemoteImages,
  REMOTE_IMAGE_LIMITS,
  RemoteImageCache,
  type FetchImage,
  type RemoteImageLimits,
} from '../../mail/remote-images.ts';
import {
  ErrorSchema,
  IdParamsSchema,
  ImageSenderBodySchema,
  MessageHtmlInfoSchema,
} from '../../schemas/api.ts';

// Raster types a browser decodes as pictures only; SVG or HTML parts are never inlined.
const INLINE_IMAGE_TYPES = /^image\/(png|gif|jpe?g|webp|bmp)$/i;
const MAX_INLINE_IMAGE_BYTES = 3 * 1024 * 1024;
const MAX_INLINE_TOTAL_BYTES = 12 * 1024 * 1024;

/**
 * The frame's own policy: nothing may load but inline images (remote ones too are inlined by the
 * server, so the browser never contacts a mail's hosts), no script, no form, no plugin, and the
 * document is sandboxed even if opened on its own.
 */
export function mailFrameCsp(): string {
  return [
    "default-src 'none'",
    'img-src data:',
    "style-src 'unsafe-inline'",
    "form-action 'none'",
    "base-uri 'none'",
    "frame-ancestors 'self'",
    'sandbox allow-popups allow-popups-to-escape-sandbox',
  ].join('; ');
}

const FRAME_STYLE = `
  html { color-scheme: light; }
  body { margin: 0; padding: 12px 16px; font: 14px/1.5 system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Naskh Arabic', sans-serif; color: #1c2330; background: #fff; overflow-wrap: anywhere; }
  img { max-width: 100%; height: auto; }
  table { max-width: 100%; }
  blockquote { margin: 0 0 0 8px; padding-inline-start: 8px; border-inline-start: 3px solid #d0d5dd; color: #5f6b7a; }
  pre { white-space: pre-wrap; }
`;

function normalizeContentId(id: string): string {
  return id.trim().replace(/^<|>$/g, '').toLowerCase();
}

interface LoadedHtml {
  sender: string;
  result: SanitizeResult;
  imagesAllowed: boolean;
  /** Distinct remote images shown (inlined) and not shown (refused, failed or over the limits). */
  imagesInlined: number;
  imagesDropped: number;
}

interface RemoteImages {
  cache: RemoteImageCache;
  limits: RemoteImageLimits;
}

/**
 * Loads, resolves cid: parts of this message only, inlines the remote images of an allowed sender
 * (fetched by the server), and sanitises; null when the message has no HTML.
 */
async function loadSanitized(db: Db, messageId: number, remote: RemoteImages): Promise<LoadedHtml | null> {
  const row = db
    .select({ html: messages.html, from: messages.fromAddress })
    .from(messages)
    .where(eq(messages.id, messageId))
    .get();
  if (!row) throw new AppError('not_found', 404, `no message ${messageId}`);
  if (!row.html) return null;
  const imagesAllowed = imagesAllowedFrom(db, row.from);
  const parts = db
    .select({
      contentId: attachments.contentId,
      contentType: attachments.contentType,
      sha256: attachments.sha256,
      size: attachments.size,
    })
    .from(attachments)
    .where(and(eq(attachments.messageRowId, messageId)))
    .all()
    .filter((p) => p.contentId && INLINE_IMAGE_TYPES.test(p.contentType) && p.size <= MAX_INLINE_IMAGE_BYTES);
  let inlined = 0;
  const resolveCid = (cid: string): string | null => {
    const part = parts.find((p) => normalizeContentId(p.contentId!) === normalizeContentId(cid));
    if (!part || inlined + part.size > MAX_INLINE_TOTAL_BYTES) return null;
    const blob = db.select({ data: blobs.data }).from(blobs).where(eq(blobs.sha256, part.sha256)).get();
    if (!blob) return null;
    inlined += part.size;
    // Inlined as data: so the frame needs no access to the app (its origin is opaque, without cookies).
    return `data:${part.contentType.toLowerCase()};base64,${blob.data.toString('base64')}`;
  };
  let resolveRemote: ((url: string) => string | null) | undefined;
  let imagesInlined = 0;
  let imagesDropped = 0;
  if (imagesAllowed) {
    // A first pass only collects the remote URLs the sanitiser would keep, in document order.
    const urls: string[] = [];
    sanitizeMailHtml(row.html, {
      allowRemoteImages: true,
      resolveRemote: (url) => {
        urls.push(url);
        return null;
      },
    });
    const inlined = await inlineRemoteImages(urls, remote.cache, remote.limits);
    imagesInlined = inlined.dataUrls.size;
    imagesDropped = inlined.dropped;
    resolveRemote = (url) => inlined.dataUrls.get(url) ?? null;
  }
  return {
    sender: row.from,
    imagesAllowed,
    imagesInlined,
    imagesDropped,
    result: sanitizeMailHtml(row.html, {
      allowRemoteImages: imagesAllowed,
      resolveCid,
      ...(resolveRemote ? { resolveRemote } : {}),
    }),
  };
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface MessageHtmlOptions {
  /** Remote image fetcher (tests: one allowed to reach their loopback image server, or none at all). */
  fetchImage?: FetchImage;
  remoteImageLimits?: RemoteImageLimits;
}

/** The mail's HTML as a standalone page for a sandboxed iframe, and the sender image allow-list. */
const messageHtmlRoutes: FastifyPluginAsyncTypebox<MessageHtmlOptions> = async (app, options) => {
  const remote: RemoteImages = {
    limits: options.remoteImageLimits ?? REMOTE_IMAGE_LIMITS,
    cache: new RemoteImageCache(options.fetchImage ?? createImageFetcher(), {
      now: () => app.now().getTime(),
      onError: (url, err) =>
        app.log.debug(
          { url, reason: err instanceof ImageRefused ? err.reason : String(err) },
          'remote image not inlined',
        ),
    }),
  };

  app.get(
    '/api/messages/:id/html',
    {
      schema: {
        tags: ['messages'],
        summary:
          'The message HTML, sanitised, as a page for a sandboxed frame (remote images blocked unless allowed)',
        params: IdParamsSchema,
        response: { 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      const loaded = await loadSanitized(app.db, request.params.id, remote);
      if (!loaded) throw new AppError('not_found', 404, `message ${request.params.id} has no HTML part`);
      const body =
        loaded.result.html ??
        `<p>${escapeText('This message is too large to display safely. Download the original instead.')}</p>`;
      const page = `<!doctype html><html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><style>${FRAME_STYLE}</style></head><body dir="auto">${body}</body></html>`;
      // Plain FastifyReply: the body is a page, not a JSON value the response schemas describe.
      return (reply as FastifyReply)
        .header('Content-Type', 'text/html; charset=utf-8')
        .header('Content-Security-Policy', mailFrameCsp())
        .header('X-Frame-Options', 'SAMEORIGIN')
        .header('X-Content-Type-Options', 'nosniff')
        .header('Referrer-Policy', 'no-referrer')
        .header('Cache-Control', 'private, no-store')
        .send(Buffer.from(page, 'utf8'));
    },
  );

  app.get(
    '/api/messages/:id/html-info',
    {
      schema: {
        tags: ['messages'],
        summary:
          'Whether the message has HTML, how many remote items it tried to load, and whether its sender is allowed',
        params: IdParamsSchema,
        response: { 200: MessageHtmlInfoSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const loaded = await loadSanitized(app.db, request.params.id, remote);
      if (!loaded)
        return {
          hasHtml: false,
          renderable: false,
          remoteBlocked: 0,
          imagesAllowed: false,
          imagesInlined: 0,
          imagesDropped: 0,
          sender: '',
        };
      return {
        hasHtml: true,
        renderable: loaded.result.html !== null,
        remoteBlocked: loaded.result.remoteBlocked,
        imagesAllowed: loaded.imagesAllowed,
        imagesInlined: loaded.imagesInlined,
        imagesDropped: loaded.imagesDropped,
        sender: loaded.sender,
      };
    },
  );

  app.post(
    '/api/image-senders',
    {
      schema: {
        tags: ['messages'],
        summary: 'Show remote images in mail from this sender',
        body: ImageSenderBodySchema,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      allowImagesFrom(app.db, request.body.address, request.user!.id, app.now());
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/image-senders',
    {
      schema: {
        tags: ['messages'],
        summary: 'Block remote images from this sender again',
        body: ImageSenderBodySchema,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      blockImagesFrom(app.db, request.body.address);
      return reply.code(204).send(null);
    },
  );
};

export default messageHtmlRoutes;
