import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { inArray } from 'drizzle-orm';
import { messages } from '../../../db/schema.ts';
import { searchThreads } from '../../commands/search-index.ts';
import { queryTokens, searchSnippet } from '../../domain/search-text.ts';
import { presentThread, withReadState } from '../../presenters/thread.ts';
import { ErrorSchema, SearchQuerySchema, SearchResultsSchema } from '../../schemas/api.ts';

const searchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/search',
    {
      schema: {
        tags: ['search'],
        summary:
          'Search subjects, bodies, senders and outlets; every word as a prefix; one result per thread',
        querystring: SearchQuerySchema,
        response: { 200: SearchResultsSchema, 400: ErrorSchema, 401: ErrorSchema },
      },
    },
    async (request) => {
      const hits = searchThreads(app.db, request.query.q, request.query.limit ?? 20);
      if (hits.length === 0) return { results: [] };
      const texts = new Map(
        app.db
          .select({ id: messages.id, text: messages.text, subject: messages.subject })
          .from(messages)
          .where(
            inArray(
              messages.id,
              hits.map((h) => h.messageId),
            ),
          )
          .all()
          .map((m) => [m.id, m]),
      );
      const tokens = queryTokens(request.query.q);
      const summaries = withReadState(
        app.db,
        request.user!.id,
        hits.map((h) => presentThread(app.db, h.threadId)!),
      );
      return {
        results: hits.map((hit, i) => {
          const message = texts.get(hit.messageId);
          return {
            thread: summaries[i]!,
            messageId: hit.messageId,
            snippet: message ? searchSnippet(message.text || message.subject, tokens) : '',
          };
        }),
      };
    },
  );
};

export default searchRoutes;
