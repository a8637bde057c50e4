import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { login, logout, normalizeEmail } from '../../commands/users.ts';
import { AppError } from '../../errors.ts';
import { LoginThrottle } from '../../plugins/login-throttle.ts';
import { SESSION_COOKIE } from '../../plugins/auth.ts';
import { ErrorSchema, LoginBodySchema, SessionSchema } from '../../schemas/api.ts';

const sessionRoutes: FastifyPluginAsyncTypebox<{ secureCookies: boolean; sessionDays: number }> = async (
  app,
  options,
) => {
  // Per address: stops guessing one account. Per client IP, far looser: behind a proxy every
  // colleague shares one address, and one person's typos must not lock the whole office out.
  const byEmail = new LoginThrottle(10);
  const byClient = new LoginThrottle(100);
  app.post(
    '/api/session',
    {
      config: { public: true },
      schema: {
        tags: ['session'],
        summary: 'Sign in; sets an HttpOnly session cookie',
        body: LoginBodySchema,
        response: { 200: SessionSchema, 401: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (request, reply) => {
      const now = app.now().getTime();
      const emailKey = [normalizeEmail(request.body.email)];
      const clientKey = [request.ip];
      const wait = Math.max(byEmail.retryAfter(emailKey, now), byClient.retryAfter(clientKey, now));
      if (wait > 0) {
        reply.header('Retry-After', String(wait));
        throw new AppError(
          'too_many_attempts',
          429,
          `too many failed sign-ins; try again in ${Math.ceil(wait / 60)} min`,
        );
      }
      let session: Awaited<ReturnType<typeof login>>;
      try {
        session = await login(app.db, request.body.email, request.body.password, {
          now: app.now(),
          sessionDays: options.sessionDays,
        });
      } catch (err) {
        if (err instanceof AppError && err.code === 'invalid_credentials') {
          byEmail.fail(emailKey, now);
          byClient.fail(clientKey, now);
        }
        throw err;
      }
      byEmail.succeed(emailKey);
      const { token, user, expiresAt } = session;
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
