import cookie from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { userForSession } from '../commands/users.ts';
import { AppError } from '../errors.ts';
import type { User } from '../schemas/api.ts';

export const SESSION_COOKIE = 'newsdesk_session';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
  }
  interface FastifyContextConfig {
    /** Routes that answer without a staff session (health, login). */
    public?: boolean;
  }
}

/** Resolves the session cookie to a user; every /api route without `config.public` requires one. */
export function sessionUser(request: FastifyRequest): User | null {
  const token = request.cookies[SESSION_COOKIE];
  return token ? userForSession(request.server.db, token, request.server.now()) : null;
}

/**
 * Whether a request is for the API. Judged on the matched route, not the raw URL: the router decodes
 * the path, so "/%61pi/threads" reaches "/api/threads" and must be checked the same way.
 */
function isApiPath(routeUrl: string | undefined, rawUrl: string): boolean {
  if (routeUrl !== undefined) return routeUrl.startsWith('/api/');
  let path = rawUrl.split('?')[0] ?? '';
  try {
    path = decodeURIComponent(path);
  } catch {
    return true; // undecodable: treat as protected
  }
  return path.startsWith('/api/') || path === '/api';
}

export default fp(
  async (app) => {
    await app.register(cookie);
    app.decorateRequest('user', null);
    app.addHook('onRequest', async (request) => {
      if (!isApiPath(request.routeOptions.url, request.url)) return;
      if (request.routeOptions.config?.public) return;
      request.user = sessionUser(request);
      if (!request.user) throw new AppError('unauthenticated', 401, 'sign in first');
    });
  },
  { name: 'auth', dependencies: ['db'] },
);
