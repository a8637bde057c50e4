import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import type { ReplySettings } from '../commands/send-reply.ts';
import { OutboxWorker, type RetryPolicy } from '../mail/smtp/outbox-worker.ts';
import { imapSentFolder, type SentFolder } from '../mail/smtp/sent-folder.ts';
import { createSmtpSender, type SmtpSend } from '../mail/smtp/transport.ts';

declare module 'fastify' {
  interface FastifyInstance {
    mailer: {
      worker: OutboxWorker;
      /** Null when replies cannot be sent (no SMTP server or no newsdesk address configured). */
      replySettings: ReplySettings | null;
    };
  }
}

export interface MailerOptions {
  config: Config;
  /** Overrides for tests: another SMTP sender, Sent folder, or a quicker retry policy. */
  send?: SmtpSend;
  sentFolder?: SentFolder | null;
  retry?: RetryPolicy;
  sentCopyRetryMs?: number;
}

/** Owns the outbox worker: starts it once the app is ready, stops it before the db closes. */
export default fp<MailerOptions>(
  async (app, options) => {
    const { config } = options;
    const send = options.send ?? (config.smtp ? createSmtpSender(config.smtp) : null);
    const sentFolder =
      options.sentFolder !== undefined
        ? options.sentFolder
        : config.imap
          ? imapSentFolder({ url: config.imap, override: config.sentFolder })
          : null;
    const worker = new OutboxWorker({
      db: app.db,
      bus: app.bus,
      now: app.now,
      logger: app.log.child({ component: 'outbox' }),
      send,
      sentFolder,
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.sentCopyRetryMs !== undefined ? { sentCopyRetryMs: options.sentCopyRetryMs } : {}),
    });
    app.decorate('mailer', {
      worker,
      replySettings:
        send && config.address
          ? {
              ownAddress: config.address,
              officeName: config.officeName,
              undoSeconds: config.undoSeconds,
              keepSentCopy: sentFolder !== null,
            }
          : null,
    });
    app.addHook('onReady', async () => worker.start());
    app.addHook('preClose', async () => worker.stop());
  },
  { name: 'mailer', dependencies: ['db'] },
);
