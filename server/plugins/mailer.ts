import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import { acknowledgeNewEnquiry } from '../commands/acknowledge.ts';
import type { ReplySettings } from '../commands/replies/reply-settings.ts';
import { OutboxWorker, type RetryPolicy } from '../mail/smtp/outbox-worker.ts';
import { messageIdDomain } from '../mail/smtp/reply-headers.ts';
import {
  imapFolderSearch,
  imapSentFolder,
  type MessageSearch,
  type SentFolder,
} from '../mail/smtp/sent-folder.ts';
import { createSmtpSender, type SmtpSend } from '../mail/smtp/transport.ts';

declare module 'fastify' {
  interface FastifyInstance {
    mailer: {
      worker: OutboxWorker;
      /** Null when replies cannot be sent (no SMTP server or no newsdesk address configured). */
      replySettings: ReplySettings | null;
      /** Resolves once every acknowledgement started so far has been decided (and queued, if sent). */
      acknowledgementsSettled(): Promise<void>;
    };
  }
}

export interface MailerOptions {
  config: Config;
  /** Overrides for tests: another SMTP sender, Sent folder, or a quicker retry policy. */
  send?: SmtpSend;
  sentFolder?: SentFolder | null;
  /** The watched inbox searched for a reply's self-copy after a crash. */
  inbox?: MessageSearch | null;
  retry?: RetryPolicy;
  sentCopyRetryMs?: number;
}

/** Owns the outbox worker: starts it once the app is ready, stops it before the db closes. */
export default fp<MailerOptions>(
  async (app, options) => {
    const { config } = options;
    // EHLO with the newsdesk's own domain: the machine's host name may be a bare word servers refuse.
    const ehloName = config.address ? messageIdDomain(config.address) : undefined;
    const send =
      options.send ?? (config.smtp ? createSmtpSender(config.smtp, ehloName ? { ehloName } : {}) : null);
    const sentFolder =
      options.sentFolder !== undefined
        ? options.sentFolder
        : config.imap
          ? imapSentFolder({ url: config.imap, override: config.sentFolder })
          : null;
    const inbox =
      options.inbox !== undefined
        ? options.inbox
        : config.imap
          ? imapFolderSearch({ url: config.imap, folder: config.imapFolder })
          : null;
    // The copy only proves anything where Newsdesk watches: the configured IMAP mailbox.
    const selfCopyTo = config.selfCopy && inbox ? config.address : null;
    const worker = new OutboxWorker({
      db: app.db,
      bus: app.bus,
      now: app.now,
      logger: app.log.child({ component: 'outbox' }),
      send,
      sentFolder,
      selfCopyTo,
      inbox,
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.sentCopyRetryMs !== undefined ? { sentCopyRetryMs: options.sentCopyRetryMs } : {}),
    });
    const replySettings =
      send && config.address
        ? {
            ownAddress: config.address,
            officeName: config.officeName,
            undoSeconds: config.undoSeconds,
            keepSentCopy: sentFolder !== null,
          }
        : null;
    // Acknowledgements are a side effect of a new enquiry's event, after its commit.
    const pending = new Set<Promise<void>>();
    app.decorate('mailer', {
      worker,
      replySettings,
      acknowledgementsSettled: async () => {
        await Promise.all(pending);
      },
    });
    const unsubscribe = replySettings
      ? app.bus.subscribe((event) => {
          if (event.type !== 'thread.created' || event.actor) return;
          const work = acknowledgeNewEnquiry(app.db, event.thread.id, replySettings, app.now()).then(
            (outcome) => {
              if (!outcome.sent) return;
              app.bus.publish(outcome.events);
              worker.wake();
            },
            (err: unknown) => app.log.error({ err, threadId: event.thread.id }, 'acknowledgement failed'),
          );
          pending.add(work);
          void work.finally(() => pending.delete(work));
        })
      : () => undefined;
    app.addHook('onReady', async () => worker.start());
    app.addHook('preClose', async () => {
      unsubscribe();
      await Promise.all(pending);
      await worker.stop();
    });
  },
  { name: 'mailer', dependencies: ['db'] },
);
