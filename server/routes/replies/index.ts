import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { createReply, ReplyToChoiceError, ThreadChangedError } from '../../commands/replies/create-reply.ts';
import { approveReply, cancelReply, returnReply } from '../../commands/replies/reply-lifecycle.ts';
import { readReplySettings, updateReplySettings } from '../../commands/replies/reply-settings.ts';
import { AppError } from '../../errors.ts';
import { presentReply } from '../../presenters/reply.ts';
import {
  ErrorSchema,
  IdParamsSchema,
  ReplyBodySchema,
  ReplyEnvelopeSchema,
  ReplyHeadersSchema,
  ReplyReturnBodySchema,
  ReplySettingsPatchSchema,
  ReplySettingsSchema,
  ReplyToChoiceSchema,
  ThreadChangedSchema,
} from '../../schemas/api.ts';

const replyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/threads/:id/replies',
    {
      schema: {
        tags: ['replies'],
        summary:
          'Reply to the journalist. Needs an Idempotency-Key header: a retry with the same key returns the first reply (200).',
        params: IdParamsSchema,
        headers: ReplyHeadersSchema,
        body: ReplyBodySchema,
        response: {
          200: ReplyEnvelopeSchema,
          202: ReplyEnvelopeSchema,
          400: ErrorSchema,
          404: ErrorSchema,
          409: Type.Union([ThreadChangedSchema, ReplyToChoiceSchema]),
          422: ErrorSchema,
          503: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const replySettings = app.mailer.replySettings;
      if (!replySettings)
        throw new AppError(
          'sending_not_configured',
          503,
          'set NEWSDESK_SMTP_URL and NEWSDESK_ADDRESS to send replies',
        );
      const user = request.user!;
      const body = request.body;
      if (body.html !== undefined)
        throw new AppError(
          'html_not_accepted',
          400,
          'raw HTML is not accepted: send the text with format "simple" for bold, italic, lists and links',
        );
      try {
        const result = await createReply(
          app.db,
          {
            threadId: request.params.id,
            author: { id: user.id, name: user.name },
            idempotencyKey: request.headers['idempotency-key'],
            text: body.text,
            ...(body.format ? { format: body.format } : {}),
            ...(body.quote !== undefined ? { quote: body.quote } : {}),
            ...(body.replyAll !== undefined ? { replyAll: body.replyAll } : {}),
            ...(body.attachmentIds ? { attachmentIds: body.attachmentIds } : {}),
            ...(body.uploadIds ? { uploadIds: body.uploadIds } : {}),
            ...(body.statusAfterSend ? { statusAfterSend: body.statusAfterSend } : {}),
            ...(body.basedOnVersion !== undefined ? { basedOnVersion: body.basedOnVersion } : {}),
            ...(body.replyTo ? { replyTo: body.replyTo } : {}),
          },
          replySettings,
          app.now(),
        );
        app.bus.publish(result.events);
        app.mailer.worker.wake();
        return reply.code(result.created ? 202 : 200).send({ reply: result.reply });
      } catch (err) {
        if (err instanceof ReplyToChoiceError) {
          return reply
            .code(409)
            .send({ error: { code: err.code, message: err.message }, from: err.from, replyTo: err.replyTo });
        }
        if (err instanceof ThreadChangedError) {
          return reply.code(409).send({
            error: { code: err.code, message: err.message },
            version: err.version,
            changes: err.changes,
          });
        }
        throw err;
      }
    },
  );

  app.get(
    '/api/replies/:id',
    {
      schema: {
        tags: ['replies'],
        summary: 'One reply and its delivery state',
        params: IdParamsSchema,
        response: { 200: ReplyEnvelopeSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const found = presentReply(app.db, request.params.id);
      if (!found) throw new AppError('not_found', 404, `no reply ${request.params.id}`);
      return { reply: found };
    },
  );

  app.post(
    '/api/replies/:id/cancel',
    {
      schema: {
        tags: ['replies'],
        summary: 'Undo-send: pull a reply back while it is held (or awaiting approval)',
        params: IdParamsSchema,
        response: { 200: ReplyEnvelopeSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request) => {
      const change = cancelReply(app.db, request.params.id, request.user!, app.now());
      app.bus.publish(change.events);
      return { reply: change.reply };
    },
  );

  app.post(
    '/api/replies/:id/approve',
    {
      schema: {
        tags: ['replies'],
        summary: 'An approver lets a reply waiting for sign-off go out',
        params: IdParamsSchema,
        response: { 200: ReplyEnvelopeSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request) => {
      const change = approveReply(app.db, request.params.id, request.user!.id, app.now());
      app.bus.publish(change.events);
      app.mailer.worker.wake();
      return { reply: change.reply };
    },
  );

  app.post(
    '/api/replies/:id/return',
    {
      schema: {
        tags: ['replies'],
        summary: 'An approver returns a reply to its author with a note; it is not sent',
        params: IdParamsSchema,
        body: ReplyReturnBodySchema,
        response: { 200: ReplyEnvelopeSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request) => {
      const change = returnReply(app.db, request.params.id, request.user!.id, request.body.note, app.now());
      app.bus.publish(change.events);
      return { reply: change.reply };
    },
  );

  app.get(
    '/api/reply-settings',
    {
      schema: {
        tags: ['replies'],
        summary: 'Office-wide reply settings: sign-off and the automatic acknowledgement',
        response: { 200: ReplySettingsSchema },
      },
    },
    async () => readReplySettings(app.db),
  );

  app.put(
    '/api/reply-settings',
    {
      schema: {
        tags: ['replies'],
        summary: 'Change the reply settings (admins); omitted fields stay as they are',
        body: ReplySettingsPatchSchema,
        response: { 200: ReplySettingsSchema, 403: ErrorSchema },
      },
    },
    async (request) => updateReplySettings(app.db, request.body, request.user!, app.now()),
  );
};

export default replyRoutes;
