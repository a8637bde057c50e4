import { promises as dnsPromises } from 'node:dns';
import fp from 'fastify-plugin';
import { verifySender, type Resolver } from '../mail/auth/verify.ts';
import type { Config } from '../config.ts';
import { SenderRecheck } from '../mail/auth/recheck.ts';
import { MailboxSupervisor } from '../mail/imap/supervisor.ts';
import type { BackoffPolicy } from '../mail/imap/backoff.ts';
import { createPipeline, type Pipeline } from '../mail/pipeline.ts';

declare module 'fastify' {
  interface FastifyInstance {
    pipeline: Pipeline;
    mailSync: { supervisors: MailboxSupervisor[]; configured: boolean; senderRecheck: SenderRecheck | null };
  }
}

export interface ImapSyncOptions {
  config: Config;
  /** DNS for sender verification; tests pass a fake one (never live DNS). */
  resolverOverride?: Resolver;
  backoff?: BackoffPolicy;
  socketTimeoutMs?: number;
}

/** Starts one supervisor per configured folder once the app is ready; stops them on close. */
export default fp<ImapSyncOptions>(
  async (app, { config, backoff, socketTimeoutMs, resolverOverride }) => {
    const resolver =
      resolverOverride ?? ((name: string, rrtype: string) => dnsPromises.resolve(name, rrtype));
    const verify = (raw: Buffer, receivedAt?: Date) =>
      verifySender(raw, {
        resolver,
        authServId: config.authServId ?? 'newsdesk.invalid',
        trustReceived: config.authServId !== null,
        timeoutMs: 3_000,
        ...(receivedAt ? { now: receivedAt } : {}),
      });
    const pipeline = createPipeline({
      db: app.db,
      bus: app.bus,
      now: app.now,
      ownAddress: config.address,
      timeZone: config.timeZone,
      logger: app.log,
      ...(config.verifySenders ? { verify: (raw: Buffer) => verify(raw) } : {}),
    });
    // Messages whose verification met a DNS failure are verified again later.
    const recheck = config.verifySenders
      ? new SenderRecheck({
          db: app.db,
          bus: app.bus,
          now: app.now,
          ownAddress: config.address,
          verify,
          logger: app.log.child({ component: 'sender-recheck' }),
        })
      : null;
    app.decorate('pipeline', pipeline);
    const supervisors: MailboxSupervisor[] = [];
    if (config.imap) {
      supervisors.push(
        new MailboxSupervisor({
          url: config.imap,
          folder: config.imapFolder,
          address: config.address ?? config.imap.account,
          db: app.db,
          bus: app.bus,
          pipeline,
          logger: app.log.child({
            component: 'imap',
            account: config.imap.account,
            folder: config.imapFolder,
          }),
          now: app.now,
          maxMessageBytes: config.maxMessageBytes,
          ...(backoff ? { backoff } : {}),
          ...(socketTimeoutMs ? { socketTimeoutMs } : {}),
        }),
      );
    }
    app.decorate('mailSync', { supervisors, configured: config.imap !== null, senderRecheck: recheck });
    app.addHook('onReady', async () => {
      for (const supervisor of supervisors) supervisor.start();
      recheck?.start();
    });
    app.addHook('preClose', async () => {
      await Promise.all([...supervisors.map((s) => s.stop()), recheck?.stop()]);
    });
  },
  { name: 'imap-sync', dependencies: ['db'] },
);
