import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { users } from '../../../db/schema.ts';
import { sessionUser } from '../../plugins/auth.ts';
import { HealthSchema } from '../../schemas/api.ts';

const healthRoutes: FastifyPluginAsyncTypebox<{
  health: () => {
    mailboxes: { address: string; state: string; lastError?: string; kind?: 'incoming' | 'outgoing' }[];
    mailConfigured: boolean;
  };
}> = async (app, options) => {
  app.get(
    '/api/health',
    {
      config: { public: true },
      schema: { tags: ['system'], summary: 'Liveness and mail sync state', response: { 200: HealthSchema } },
    },
    async (request) => {
      const { mailboxes, mailConfigured } = options.health();
      const failing = mailboxes.some(
        (m) => m.state === 'auth-failed' || m.state === 'error' || m.state === 'reconnecting',
      );
      // Signed-out callers (the sign-in page, load balancers) learn the state, not addresses or errors.
      const signedIn = sessionUser(request) !== null;
      const visible = signedIn
        ? mailboxes
        : mailboxes.map((m) => ({ address: '', state: m.state, ...(m.kind ? { kind: m.kind } : {}) }));
      const needsAdmin = app.db.select({ id: users.id }).from(users).limit(1).get() === undefined;
      return {
        status: failing ? ('degraded' as const) : ('ok' as const),
        mailboxes: visible,
        mailConfigured,
        needsAdmin,
      };
    },
  );
};

export default healthRoutes;
