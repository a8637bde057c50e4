import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { eq } from 'drizzle-orm';
import type { FastifyReply } from 'fastify';
import { attachments, blobs, messages } from '../../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { ErrorSchema, IdParamsSchema } from '../../schemas/api.ts';
import messageHtmlRoutes, { type MessageHtmlOptions } from './html.ts';

// Types a browser could run or render as a page: always served as opaque bytes.
const ACTIVE_TYPES =
  /^(text\/(html|xml|javascript|xsl)|application\/(xhtml\+xml|xml|javascript|ecmascript|x-shockwave-flash)|image\/svg\+xml|multipart\/)/i;

const BIDI_CONTROLS = new Set([
  0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069,
]);

function keepInFilename(ch: string): boolean {
  const code = ch.codePointAt(0)!;
  return code > 0x1f && code !== 0x7f && !BIDI_CONTROLS.has(code) && ch !== '/' && ch !== '\\';
}

/** A Content-Disposition that cannot be broken by the name: ASCII fallback plus RFC 5987 filename*. */
export function attachmentDisposition(filename: string): string {
  // Bidi controls make "exe.pdf" look like "fdp.exe" (RLO): dropped, with other controls and separators.
  const cleaned = [...filename].filter(keepInFilename).join('').trim() || 'attachment';
  const ascii = cleaned
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["%;]/g, '_')
    .slice(0, 150);
  const encoded = encodeURIComponent(cleaned.slice(0, 200)).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

const messageRoutes: FastifyPluginAsyncTypebox<MessageHtmlOptions> = async (app, options) => {
  await app.register(messageHtmlRoutes, options);

  const sendBytes = (reply: FastifyReply, data: Buffer, contentType: string, filename: string) =>
    reply
      .header('Content-Type', ACTIVE_TYPES.test(contentType) ? 'application/octet-stream' : contentType)
      .header('Content-Disposition', attachmentDisposition(filename))
      .header('X-Content-Type-Options', 'nosniff')
      .header('Content-Security-Policy', "default-src 'none'; sandbox")
      .header('Cache-Control', 'private, no-store')
      .send(data);

  app.get(
    '/api/messages/:id/raw',
    {
      schema: {
        tags: ['messages'],
        summary: 'The original message exactly as received (download)',
        params: IdParamsSchema,
        response: { 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      const row = app.db
        .select({ data: blobs.data })
        .from(messages)
        .innerJoin(blobs, eq(blobs.sha256, messages.rawSha256))
        .where(eq(messages.id, request.params.id))
        .get();
      if (!row) throw new AppError('not_found', 404, `no message ${request.params.id}`);
      return sendBytes(reply, row.data, 'message/rfc822', `message-${request.params.id}.eml`);
    },
  );

  app.get(
    '/api/attachments/:id',
    {
      schema: {
        tags: ['messages'],
        summary: 'One attachment, always as a download',
        params: IdParamsSchema,
        response: { 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      const row = app.db
        .select({ data: blobs.data, filename: attachments.filename, contentType: attachments.contentType })
        .from(attachments)
        .innerJoin(blobs, eq(blobs.sha256, attachments.sha256))
        .where(eq(attachments.id, request.params.id))
        .get();
      if (!row) throw new AppError('not_found', 404, `no attachment ${request.params.id}`);
      return sendBytes(reply, row.data, row.contentType, row.filename ?? `attachment-${request.params.id}`);
    },
  );
};

export default messageRoutes;
