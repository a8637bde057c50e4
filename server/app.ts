import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Db } from '../db/client.ts';
import type { Config } from './config.ts';
import { outboxTrouble } from './commands/replies/reply-lifecycle.ts';
import { AppError } from './errors.ts';
import { EventBus } from './events.ts';
import type { BackoffPolicy } from './mail/imap/backoff.ts';
import authPlugin from './plugins/auth.ts';
import dbPlugin from './plugins/db.ts';
import imapSyncPlugin from './plugins/imap-sync.ts';
import mailerPlugin, { type MailerOptions } from './plugins/mailer.ts';
import maintenancePlugin from './plugins/maintenance.ts';
import releaseIndexPlugin from './plugins/release-index.ts';
import webPlugin from './plugins/web.ts';
import realtimePlugin from './realtime/hub.ts';
import healthRoutes from './routes/health/index.ts';
import sessionRoutes from './routes/session/index.ts';
import messageRoutes from './routes/messages/index.ts';
import type { FetchImage } from './mail/remote-images.ts';
import releaseRoutes from './routes/releases/index.ts';
import replyRoutes from './routes/replies/index.ts';
import uploadRoutes from './routes/uploads/index.ts';
import draftRoutes from './routes/drafts/index.ts';
import savedReplyRoutes from './routes/saved-replies/index.ts';
import threadRoutes from './routes/threads/index.ts';
import releaseStatsRoutes from './routes/releases/stats.ts';
import searchRoutes from './routes/search/index.ts';
import userRoutes from './routes/users/index.ts';

export interface AppDeps {
  db?: Db;
  bus?: EventBus;
  now?: () => Date;
  /** Logger override (tests pass false); defaults to pino at the configured level. */
  logger?: boolean | { level: string };
  imapBackoff?: BackoffPolicy;
  imapSocketTimeoutMs?: number;
  webRoot?: string;
  /** DNS for sender verification (tests: a fake resolver, never live DNS). */
  resolver?: (name: string, rrtype: string) => Promise<unknown>;
  /** Outgoing mail overrides (tests: a quick retry policy, another SMTP sender or Sent folder). */
  mailer?: Omit<MailerOptions, 'config'>;
  /** Remote images of allowed senders (tests: a fetcher for their own image server, never the internet). */
  fetchImage?: FetchImage;
}

/** Outgoing mail as a health entry while it retries, or after a permanent failure or bounce in the last day. */
function outboxHealth(
  app: FastifyInstance,
): { address: string; state: string; kind: 'outgoing'; lastError?: string }[] {
  if (!app.mailer.replySettings) return [];
  const trouble = outboxTrouble(app.db, app.now());
  const state = trouble.failed > 0 ? 'error' : trouble.retrying > 0 ? 'retrying' : 'ok';
  // Listed only when something needs attention, so the mailbox list stays about mailboxes.
  if (state === 'ok') return [];
  return [
    {
      address: app.mailer.replySettings.ownAddress,
      kind: 'outgoing',
      state,
      ...(trouble.lastError ? { lastError: trouble.lastError } : {}),
    },
  ];
}

/** Builds the whole server without listening: tests drive it with inject(), main.ts listens. */
export async function buildApp(config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? {
      level: config.logLevel,
      // Cookies carry the session token: never in the logs.
      redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
    },
    // Keep the server responsive to slow or hostile clients.
    bodyLimit: 1024 * 1024,
    trustProxy: false,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler(
    (error: Error & { statusCode?: number; code?: string; validation?: unknown }, request, reply) => {
      if (error instanceof AppError) {
        if (error.statusCode >= 500) request.log.error({ err: error }, error.message);
        return reply.code(error.statusCode).send({ error: { code: error.code, message: error.message } });
      }
      if (error.validation) {
        return reply.code(400).send({ error: { code: 'invalid_request', message: error.message } });
      }
      const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
      if (status >= 500) {
        request.log.error({ err: error }, 'request failed');
        return reply.code(status).send({ error: { code: 'internal', message: 'internal error' } });
      }
      return reply
        .code(status)
        .send({ error: { code: error.code ?? 'bad_request', message: error.message } });
    },
  );

  await app.register(swagger, {
    openapi: {
      info: { title: 'Newsdesk API', version: '0.1.0', description: 'Media enquiries, threaded and live.' },
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'newsdesk_session' } },
      },
      security: [{ session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  await app.register(dbPlugin, {
    path: config.dbPath,
    bus: deps.bus ?? new EventBus(),
    now: deps.now ?? (() => new Date()),
    ...(deps.db ? { db: deps.db } : {}),
  });
  await app.register(authPlugin);
  await app.register(maintenancePlugin);
  await app.register(releaseIndexPlugin);
  await app.register(imapSyncPlugin, {
    config,
    ...(deps.resolver ? { resolverOverride: deps.resolver } : {}),
    ...(deps.imapBackoff ? { backoff: deps.imapBackoff } : {}),
    ...(deps.imapSocketTimeoutMs ? { socketTimeoutMs: deps.imapSocketTimeoutMs } : {}),
  });
  await app.register(mailerPlugin, { config, ...deps.mailer });
  await app.register(realtimePlugin);
  await app.register(healthRoutes, {
    health: () => ({
      mailboxes: [...app.mailSync.supervisors.map((s) => s.health()), ...outboxHealth(app)],
      mailConfigured: app.mailSync.configured,
    }),
  });
  await app.register(sessionRoutes, { secureCookies: config.secureCookies, sessionDays: config.sessionDays });
  await app.register(threadRoutes, { timeZone: config.timeZone });
  await app.register(searchRoutes);
  await app.register(userRoutes, { timeZone: config.timeZone });
  await app.register(releaseStatsRoutes);
  await app.register(replyRoutes);
  await app.register(uploadRoutes);
  await app.register(draftRoutes);
  await app.register(savedReplyRoutes);
  await app.register(releaseRoutes);
  await app.register(messageRoutes, deps.fetchImage ? { fetchImage: deps.fetchImage } : {});
  await app.register(webPlugin, deps.webRoot ? { root: deps.webRoot } : {});
  return app;
}
