import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { presentReleaseStats } from '../../presenters/release-stats.ts';
import { ErrorSchema, ReleaseStatsSchema } from '../../schemas/api.ts';

const releaseStatsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/releases/stats',
    {
      schema: {
        tags: ['releases'],
        summary: 'Per statement (translation family): enquiries, open, languages, median first response',
        response: { 200: ReleaseStatsSchema, 401: ErrorSchema },
      },
    },
    async () => presentReleaseStats(app.db),
  );
};

export default releaseStatsRoutes;
