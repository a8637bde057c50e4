import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { addNote } from '../../commands/notes.ts';
import { setThreadRelease } from '../../commands/releases.ts';
import { setThreadDeadline } from '../../commands/thread-deadline.ts';
import { mergeThread } from '../../commands/thread-merge.ts';
import { markThreadRead } from '../../commands/thread-read.ts';
import { splitMessage } from '../../commands/thread-split.ts';
import { claimThread, updateThread } from '../../commands/thread-update.ts';
import { decodeCursor } from '../../domain/thread-order.ts';
import { AppError } from '../../errors.ts';
import { presentThread, presentThreadDetail, withReadState } from '../../presenters/thread.ts';
import { listThreads, threadCounts } from '../../presenters/thread-list.ts';
import {
  ErrorSchema,
  IdParamsSchema,
  NoteBodySchema,
  NoteSchema,
  ThreadCountsSchema,
  ThreadDeadlineBodySchema,
  ThreadDetailSchema,
  ThreadListQuerySchema,
  ThreadListSchema,
  ThreadMergeBodySchema,
  ThreadPatchBodySchema,
  ThreadReadSchema,
  ThreadReleaseBodySchema,
  ThreadSummarySchema,
  type Actor,
  type ThreadSummary,
} from '../../schemas/api.ts';

export interface ThreadRoutesOptions {
  /** The office's IANA time zone: "due today" means today there. */
  timeZone: string;
}

/** The officer behind a request, as events name them (never their email or role). */
function actorOf(request: FastifyRequest): Actor {
  const user = request.user!;
  return { id: user.id, name: user.name };
}

const threadRoutes: FastifyPluginAsyncTypebox<ThreadRoutesOptions> = async (app, options) => {
  const timeZone = options.timeZone;
  const summaryFor = (request: FastifyRequest, threadId: number): ThreadSummary => {
    const thread = presentThread(app.db, threadId);
    if (!thread) throw new AppError('not_found', 404, `no thread ${threadId}`);
    return withReadState(app.db, request.user!.id, [thread])[0]!;
  };

  app.get(
    '/api/threads',
    {
      schema: {
        tags: ['threads'],
        summary: 'Conversations: deadlines first (soonest first), then newest activity; filtered',
        querystring: ThreadListQuerySchema,
        response: { 200: ThreadListSchema, 400: ErrorSchema, 401: ErrorSchema },
      },
    },
    async (request) => {
      if (request.query.cursor !== undefined && !decodeCursor(request.query.cursor))
        throw new AppError('invalid_cursor', 400, 'not a cursor from this list');
      return listThreads(app.db, request.query, { userId: request.user!.id, now: app.now(), timeZone });
    },
  );

  app.get(
    '/api/threads/counts',
    {
      schema: {
        tags: ['threads'],
        summary: 'Counts for the sidebar: views, statuses, releases, unlinked, overdue, unread',
        response: { 200: ThreadCountsSchema, 401: ErrorSchema },
      },
    },
    async (request) => threadCounts(app.db, { userId: request.user!.id, now: app.now(), timeZone }),
  );

  app.get(
    '/api/threads/:id',
    {
      schema: {
        tags: ['threads'],
        summary: 'One conversation with its messages, notes and version',
        params: IdParamsSchema,
        response: { 200: ThreadDetailSchema, 401: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const detail = presentThreadDetail(app.db, request.params.id);
      if (!detail) throw new AppError('not_found', 404, `no thread ${request.params.id}`);
      return { ...detail, thread: withReadState(app.db, request.user!.id, [detail.thread])[0]! };
    },
  );

  app.patch(
    '/api/threads/:id',
    {
      schema: {
        tags: ['threads'],
        summary: 'Change status, priority, assignee (null: nobody) or tags',
        params: IdParamsSchema,
        body: ThreadPatchBodySchema,
        response: {
          200: ThreadSummarySchema,
          400: ErrorSchema,
          401: ErrorSchema,
          404: ErrorSchema,
          409: ErrorSchema,
        },
      },
    },
    async (request) => {
      app.bus.publish(updateThread(app.db, request.params.id, request.body, actorOf(request), app.now()));
      return summaryFor(request, request.params.id);
    },
  );

  app.post(
    '/api/threads/:id/claim',
    {
      schema: {
        tags: ['threads'],
        summary: 'Assign the thread to me (a new thread becomes open)',
        params: IdParamsSchema,
        response: { 200: ThreadSummarySchema, 401: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request) => {
      app.bus.publish(claimThread(app.db, request.params.id, actorOf(request), app.now()));
      return summaryFor(request, request.params.id);
    },
  );

  app.post(
    '/api/threads/:id/read',
    {
      schema: {
        tags: ['threads'],
        summary: 'Mark the thread read for me (only my own tabs hear of it)',
        params: IdParamsSchema,
        response: { 200: ThreadReadSchema, 401: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const readAt = markThreadRead(app.db, request.params.id, request.user!.id, app.now()).toISOString();
      app.sendToUser(request.user!.id, { type: 'thread.read', threadId: request.params.id, readAt });
      return { threadId: request.params.id, readAt };
    },
  );

  app.post(
    '/api/threads/:id/notes',
    {
      schema: {
        tags: ['threads'],
        summary: 'Add an internal note (staff only, never sent)',
        params: IdParamsSchema,
        body: NoteBodySchema,
        response: { 201: NoteSchema, 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request, reply) => {
      const { note, events } = addNote(
        app.db,
        request.params.id,
        request.body.body,
        actorOf(request),
        app.now(),
      );
      app.bus.publish(events);
      return reply.code(201).send(note);
    },
  );

  app.post(
    '/api/threads/:id/merge',
    {
      schema: {
        tags: ['threads'],
        summary: 'Merge this thread into another: messages, notes and replies move; remembered',
        params: IdParamsSchema,
        body: ThreadMergeBodySchema,
        response: {
          200: ThreadSummarySchema,
          400: ErrorSchema,
          401: ErrorSchema,
          404: ErrorSchema,
          409: ErrorSchema,
        },
      },
    },
    async (request) => {
      const into = request.body.intoThreadId;
      app.bus.publish(mergeThread(app.db, request.params.id, into, actorOf(request), app.now()));
      return summaryFor(request, into);
    },
  );

  app.post(
    '/api/messages/:id/split',
    {
      schema: {
        tags: ['threads'],
        summary: 'Move one message into a new thread of its own; remembered',
        params: IdParamsSchema,
        response: { 201: ThreadSummarySchema, 401: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request, reply) => {
      const { threadId, events } = splitMessage(app.db, request.params.id, actorOf(request), app.now());
      app.bus.publish(events);
      return reply.code(201).send(summaryFor(request, threadId));
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
      const events = setThreadRelease(
        app.db,
        request.params.id,
        request.body.releaseId,
        actorOf(request),
        app.now(),
      );
      app.bus.publish(events);
      return summaryFor(request, request.params.id);
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
      app.bus.publish(setThreadDeadline(app.db, request.params.id, deadline, actorOf(request), app.now()));
      return summaryFor(request, request.params.id);
    },
  );
};

export default threadRoutes;
