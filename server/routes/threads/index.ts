import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { setThreadRelease } from '../../commands/releases.ts';
import { setThreadDeadline } from '../../commands/thread-deadline.ts';
import { AppError } from '../../errors.ts';
import { presentThread, presentThreadDetail, presentThreadPage } from '../../presenters/thread.ts';
import {
  ErrorSchema,
  IdParamsSchema,
  ThreadDeadlineBodySchema,
  ThreadReleaseBodySchema,
  ThreadSummarySchema,
  ThreadDetailSchema,
  ThreadListQuerySchema,
  ThreadListSchema,
} from '../../schemas/api.ts';

const threadRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/threads',
    {
      schema: {
        tags: ['threads'],
        summary: 'Conversations, newest activity first',
        querystring: ThreadListQuerySchema,
        response: { 200: ThreadListSchema, 401: ErrorSchema },
      },
    },
    async (request) =>
      presentThreadPage(app.db, { limit: request.query.limit ?? 50, cursor: request.query.cursor }),
  );

  app.get(
    '/api/threads/:id',
    {
      schema: {
        tags: ['threads'],
        summary: 'One conversation with its messages',
        params: IdParamsSchema,
        response: { 200: ThreadDetailSchema, 401: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const detail = presentThreadDetail(app.db, request.params.id);
      if (!detail) throw new AppError('not_found', 404, `no thread ${request.params.id}`);
      return detail;
    },
  );

  app.put(
    '/api/threads/:id/release',
    {
      schema: {
        tags: ['threads'],
        summary: 'Link the thread to a release (or clear it with null); this choice wins over matching',
        params: IdParamsSchema,
        body: ThreadReleaseBodySchema,
        response: { 200: ThreadSummarySchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const user = request.user!;
      const events = setThreadRelease(app.db, request.params.id, request.body.releaseId, user, app.now());
      app.bus.publish(events);
      return presentThread(app.db, request.params.id)!;
    },
  );

  app.put(
    '/api/threads/:id/deadline',
    {
      schema: {
        tags: ['threads'],
        summary: 'Set, accept (send the suggested time) or clear (null) the deadline',
        params: IdParamsSchema,
        body: ThreadDeadlineBodySchema,
        response: { 200: ThreadSummarySchema, 400: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const raw = request.body.deadline;
      const deadline = raw === null ? null : new Date(raw);
      if (deadline && Number.isNaN(deadline.getTime()))
        throw new AppError('invalid_deadline', 400, `not a date: ${raw}`);
      app.bus.publish(setThreadDeadline(app.db, request.params.id, deadline, request.user!.id, app.now()));
      return presentThread(app.db, request.params.id)!;
    },
  );
};

export default threadRoutes;
