import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { createSavedReply, deleteSavedReply, updateSavedReply } from '../../commands/saved-replies.ts';
import { listSavedReplies, presentSavedReply, renderSavedReply } from '../../presenters/saved-reply.ts';
import {
  ErrorSchema,
  IdParamsSchema,
  SavedReplyInputSchema,
  SavedReplyListQuerySchema,
  SavedReplyListSchema,
  SavedReplyPatchSchema,
  SavedReplyRenderParamsSchema,
  SavedReplyRenderSchema,
  SavedReplySchema,
} from '../../schemas/api.ts';

const savedReplyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/saved-replies',
    {
      schema: {
        tags: ['saved replies'],
        summary: "General saved replies, plus a release's lines to take (its translations' too)",
        querystring: SavedReplyListQuerySchema,
        response: { 200: SavedReplyListSchema, 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => ({ savedReplies: listSavedReplies(app.db, request.query) }),
  );

  app.post(
    '/api/saved-replies',
    {
      schema: {
        tags: ['saved replies'],
        summary: 'Add a saved reply, or a line to take for a release',
        body: SavedReplyInputSchema,
        response: { 201: SavedReplySchema, 400: ErrorSchema, 401: ErrorSchema },
      },
    },
    async (request, reply) => {
      const user = request.user!;
      const id = createSavedReply(app.db, request.body, { id: user.id, name: user.name }, app.now());
      return reply.code(201).send(presentSavedReply(app.db, id)!);
    },
  );

  app.patch(
    '/api/saved-replies/:id',
    {
      schema: {
        tags: ['saved replies'],
        summary: 'Change a saved reply',
        params: IdParamsSchema,
        body: SavedReplyPatchSchema,
        response: { 200: SavedReplySchema, 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      updateSavedReply(app.db, request.params.id, request.body, app.now());
      return presentSavedReply(app.db, request.params.id)!;
    },
  );

  app.delete(
    '/api/saved-replies/:id',
    {
      schema: {
        tags: ['saved replies'],
        summary: 'Delete a saved reply',
        params: IdParamsSchema,
        response: { 204: Type.Null(), 401: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      deleteSavedReply(app.db, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/threads/:id/saved-replies/:savedId/render',
    {
      schema: {
        tags: ['saved replies'],
        summary: 'A saved reply filled in for this thread; placeholders with no value stay and are listed',
        params: SavedReplyRenderParamsSchema,
        response: { 200: SavedReplyRenderSchema, 401: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const user = request.user!;
      return renderSavedReply(app.db, request.params.id, request.params.savedId, {
        id: user.id,
        name: user.name,
      });
    },
  );
};

export default savedReplyRoutes;
