import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { eq } from 'drizzle-orm';
import { releases } from '../../../db/schema.ts';
import { createRelease, deleteRelease, importReleases, updateRelease } from '../../commands/releases.ts';
import { AppError } from '../../errors.ts';
import { presentRelease, presentReleases } from '../../presenters/release.ts';
import { presentThreadPage } from '../../presenters/thread.ts';
import { ReleaseInputError, validateReleaseInput } from '../../releases/release-input.ts';
import {
  ErrorSchema,
  IdParamsSchema,
  ReleaseDetailSchema,
  ReleaseInputSchema,
  ReleaseListSchema,
  ReleasePatchSchema,
  ReleaseSchema,
  ThreadListSchema,
} from '../../schemas/api.ts';

function checked<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ReleaseInputError) throw new AppError('invalid_release', 400, err.message);
    throw err;
  }
}

const releaseRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/releases',
    {
      schema: {
        tags: ['releases'],
        summary: 'The catalogue, newest first, with open/total enquiry counts',
        response: { 200: ReleaseListSchema },
      },
    },
    async () => ({ releases: presentReleases(app.db) }),
  );

  app.get(
    '/api/releases/:id',
    {
      schema: {
        tags: ['releases'],
        summary: 'One release with its text',
        params: IdParamsSchema,
        response: { 200: ReleaseDetailSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const release = presentRelease(app.db, request.params.id);
      if (!release) throw new AppError('not_found', 404, `no release ${request.params.id}`);
      const body = app.db
        .select({ body: releases.body })
        .from(releases)
        .where(eq(releases.id, request.params.id))
        .get()!.body;
      return { ...release, body };
    },
  );

  app.get(
    '/api/releases/:id/threads',
    {
      schema: {
        tags: ['releases'],
        summary: 'Enquiries linked to this release or any of its translations',
        params: IdParamsSchema,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          cursor: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: { 200: ThreadListSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const release = app.db
        .select({ familyId: releases.familyId })
        .from(releases)
        .where(eq(releases.id, request.params.id))
        .get();
      if (!release) throw new AppError('not_found', 404, `no release ${request.params.id}`);
      const familyIds = app.db
        .select({ id: releases.id })
        .from(releases)
        .where(eq(releases.familyId, release.familyId ?? request.params.id))
        .all()
        .map((r) => r.id);
      return presentThreadPage(app.db, {
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
        releaseIds: familyIds,
      });
    },
  );

  app.post(
    '/api/releases',
    {
      schema: {
        tags: ['releases'],
        summary: 'Add a release, or import an array of them (upsert by url)',
        body: Type.Union([ReleaseInputSchema, Type.Array(ReleaseInputSchema, { maxItems: 10_000 })]),
        response: {
          201: ReleaseSchema,
          200: Type.Object({ created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer() }),
          400: ErrorSchema,
          409: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      if (Array.isArray(request.body)) {
        const inputs = checked(() =>
          (request.body as unknown[]).map((item, i) => validateReleaseInput(item, `item ${i}`)),
        );
        const { events, ...summary } = importReleases(app.db, inputs, app.now());
        app.bus.publish(events);
        return summary;
      }
      const input = checked(() => validateReleaseInput(request.body, 'release'));
      const { id, events } = createRelease(app.db, input, app.now());
      app.bus.publish(events);
      return reply.code(201).send(presentRelease(app.db, id)!);
    },
  );

  app.patch(
    '/api/releases/:id',
    {
      schema: {
        tags: ['releases'],
        summary: 'Edit a release',
        params: IdParamsSchema,
        body: ReleasePatchSchema,
        response: { 200: ReleaseSchema, 400: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request) => {
      const existing = presentRelease(app.db, request.params.id);
      if (!existing) throw new AppError('not_found', 404, `no release ${request.params.id}`);
      const row = app.db.select().from(releases).where(eq(releases.id, request.params.id)).get()!;
      // Validate the merged result so a patch cannot leave an invalid release behind.
      const validated = checked(() =>
        validateReleaseInput(
          {
            url: row.url,
            title: row.title,
            language: row.language,
            published_at: row.publishedAt.toISOString(),
            body: row.body,
            translation_of: row.translationOfUrl,
            ...request.body,
          },
          'release',
        ),
      );
      app.bus.publish(updateRelease(app.db, request.params.id, validated, app.now()));
      return presentRelease(app.db, request.params.id)!;
    },
  );

  app.delete(
    '/api/releases/:id',
    {
      schema: {
        tags: ['releases'],
        summary: 'Delete a release; its enquiries become unlinked',
        params: IdParamsSchema,
        response: { 204: Type.Null(), 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      app.bus.publish(deleteRelease(app.db, request.params.id, app.now()));
      return reply.code(204).send(null);
    },
  );
};

export default releaseRoutes;
