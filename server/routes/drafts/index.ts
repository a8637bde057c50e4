import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { clearDraft, deleteDraft, saveDraft } from '../../commands/drafts.ts';
import { draftUpdatedMessage } from '../../presenters/draft.ts';
import { DraftBodySchema, DraftEnvelopeSchema, ErrorSchema, IdParamsSchema } from '../../schemas/api.ts';

const draftRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // A reply the officer wrote is now in the thread (queued, held or awaiting approval): their draft
  // there is done. Run from the committed event so the sending path needs no knowledge of drafts;
  // should the process stop in between, a stale draft is left, never a lost reply.
  const unsubscribe = app.bus.subscribe((event) => {
    if (event.type !== 'message.created' || event.message.direction !== 'out') return;
    const author = event.message.reply?.author;
    if (!author) return;
    try {
      if (clearDraft(app.db, event.threadId, author.id))
        app.broadcast(draftUpdatedMessage(event.threadId, author.id, null));
    } catch (err) {
      // The reply is committed; a draft left behind must not fail whoever published the event.
      app.log.warn({ err, threadId: event.threadId }, 'could not clear the draft of a sent reply');
    }
  });
  app.addHook('onClose', async () => unsubscribe());

  app.put(
    '/api/threads/:id/draft',
    {
      schema: {
        tags: ['threads'],
        summary: 'Save my draft reply on the thread (a blank body deletes it); colleagues see a preview live',
        params: IdParamsSchema,
        body: DraftBodySchema,
        response: {
          200: DraftEnvelopeSchema,
          400: ErrorSchema,
          401: ErrorSchema,
          404: ErrorSchema,
          409: ErrorSchema,
        },
      },
    },
    async (request) => {
      const user = request.user!;
      const threadId = request.params.id;
      const { draft, changed } = saveDraft(
        app.db,
        threadId,
        { id: user.id, name: user.name },
        request.body.body,
        app.now(),
      );
      if (changed) app.broadcast(draftUpdatedMessage(threadId, user.id, draft));
      return { draft };
    },
  );

  app.delete(
    '/api/threads/:id/draft',
    {
      schema: {
        tags: ['threads'],
        summary: 'Discard my draft reply on the thread',
        params: IdParamsSchema,
        response: { 204: Type.Null(), 401: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      const threadId = request.params.id;
      if (deleteDraft(app.db, threadId, request.user!.id))
        app.broadcast(draftUpdatedMessage(threadId, request.user!.id, null));
      return reply.code(204).send(null);
    },
  );
};

export default draftRoutes;
