import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { login, logout } from '../../commands/users.ts';
import { SESSION_COOKIE } from '../../plugins/auth.ts';
import { ErrorSchema, LoginBodySchema, SessionSchema } from '../../schemas/api.ts';

const sessionRoutes: FastifyPluginAsyncTypebox<{ secureCookies: boolean; sessionDays: number }> = async (
  app,
  options,
) => {
  app.post(
    '/api/session',
    {
      config: { public: true },
      schema: {
        tags: ['session'],
        summary: 'Sign in; sets an HttpOnly session cookie',
        body: LoginBodySchema,
        response: { 200: SessionSchema, 401: ErrorSchema },
      },
    },
    async (request, reply) => {
      const { token, user, expiresAt } = await login(app.db, request.body.email, request.body.password, {
        now: app.now(),
        sessionDays: options.sessionDays,
      });
      reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: options.secureCookies,
        expires: expiresAt,
      });
      return { user };
    },
  );

  app.get(
    '/api/session',
    {
      schema: {
        tags: ['session'],
        summary: 'The signed-in user',
        response: { 200: SessionSchema, 401: ErrorSchema },
      },
    },
    async (request) => ({ user: request.user! }),
  );

  app.delete(
    '/api/session',
    // Public so that signing out with an expired session still clears the cookie.
    {
      config: { public: true },
      schema: { tags: ['session'], summary: 'Sign out', response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) {
        logout(app.db, token);
        app.closeSessionSockets(token);
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );
};

export default sessionRoutes;
