import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../../db/client.ts';
import {
  claimDueReply,
  interruptedReplies,
  markReplyFailed,
  markReplyRetrying,
  markReplySent,
  markSentCopy,
  nextOwedSentCopy,
  nextReplyDue,
  requeueInterruptedReply,
  type ReplyChange,
} from '../../commands/send-reply.ts';
import type { EventBus } from '../../events.ts';
import type { SequencedEvent } from '../../schemas/realtime.ts';
import type { SentFolder } from './sent-folder.ts';
import { classifySmtpError, type SmtpSend } from './transport.ts';

export interface RetryPolicy {
  baseMs: number;
  capMs: number;
  /** After this many attempts a temporary failure becomes permanent. */
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 5_000, capMs: 10 * 60_000, maxAttempts: 20 };

export interface OutboxWorkerOptions {
  db: Db;
  bus: EventBus;
  now: () => Date;
  logger: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
  /** Null when no SMTP server is configured: nothing is sent. */
  send: SmtpSend | null;
  /** Null when there is no IMAP mailbox: no Sent copies, and interrupted sends cannot be checked. */
  sentFolder: SentFolder | null;
  retry?: RetryPolicy;
  /** How long a failed Sent APPEND waits before the next try. */
  sentCopyRetryMs?: number;
  /** Upper bound on any sleep, in case a wake-up is missed. */
  pollMs?: number;
  random?: () => number;
}

/**
 * Sends due replies one at a time from their stored bytes, then files a copy in Sent.
 *
 * Exactly once: a row is claimed with a conditional state change before SMTP, so no second worker or
 * wake-up sends it again. A row still 'sending' at start-up belonged to a process that died mid-send;
 * it is marked sent if its Message-ID is in Sent, and otherwise sent again. The residual window: a
 * crash after the server's 250 and before both the state update and the Sent APPEND (milliseconds)
 * leaves no trace on our side, so that message is sent twice and flagged "possible duplicate". A failed
 * APPEND never leads to another SMTP send: it is retried on its own, after searching Sent first.
 */
export class OutboxWorker {
  readonly #o: Required<Omit<OutboxWorkerOptions, 'send' | 'sentFolder'>> &
    Pick<OutboxWorkerOptions, 'send' | 'sentFolder'>;
  #loop: Promise<void> | null = null;
  #stopping = false;
  #wake: (() => void) | null = null;
  #timer: NodeJS.Timeout | null = null;
  // Rows found in 'sending' at start-up (a dead process's), until each is settled; null before the first look.
  #interrupted: Set<number> | null = null;
  #nextRecoveryAt = 0;
  #lastError: string | null = null;

  constructor(options: OutboxWorkerOptions) {
    this.#o = {
      retry: DEFAULT_RETRY,
      sentCopyRetryMs: 60_000,
      pollMs: 5_000,
      random: Math.random,
      ...options,
    };
  }

  start(): void {
    if (this.#loop || !this.#o.send) return;
    this.#stopping = false;
    this.#loop = this.#run().catch((err: unknown) => {
      this.#o.logger.error({ err }, 'outbox worker stopped unexpectedly');
    });
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#loop;
    this.#loop = null;
  }

  /** Something became due (a new reply, an approval): look again now instead of at the next poll. */
  wake(): void {
    this.#wake?.();
  }

  /** The last send or Sent-copy problem, for health; null once a send succeeds. */
  get lastError(): string | null {
    return this.#lastError;
  }

  #publish(change: ReplyChange | { events: SequencedEvent[] }): void {
    this.#o.bus.publish(change.events);
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      let worked = false;
      try {
        this.#interrupted ??= new Set(interruptedReplies(this.#o.db).map((r) => r.id));
        if (this.#interrupted.size > 0 && this.#o.now().getTime() >= this.#nextRecoveryAt)
          await this.#recoverInterrupted(this.#interrupted);
        worked = (await this.#sendNext()) || (await this.#fileNextSentCopy());
      } catch (err) {
        // A db error (locked, closing): the rows are unchanged and will be picked up again.
        this.#o.logger.error({ err }, 'outbox step failed');
      }
      if (!worked && !this.#stopping) await this.#sleep();
    }
  }

  async #sleep(): Promise<void> {
    const now = this.#o.now().getTime();
    const due = nextReplyDue(this.#o.db)?.getTime() ?? Number.POSITIVE_INFINITY;
    const ms = Math.max(0, Math.min(this.#o.pollMs, due - now));
    await new Promise<void>((resolve) => {
      this.#wake = resolve;
      this.#timer = setTimeout(resolve, ms);
    });
    if (this.#timer) clearTimeout(this.#timer);
    this.#wake = null;
  }

  /**
   * Rows left in 'sending' by a dead process: found in Sent → sent; not found → sent again (flagged);
   * Sent unreachable → wait and check again, since guessing could mean a second delivery.
   */
  async #recoverInterrupted(ids: Set<number>): Promise<void> {
    const { db, now, sentFolder, logger } = this.#o;
    for (const row of interruptedReplies(db).filter((r) => ids.has(r.id))) {
      if (sentFolder) {
        let found: boolean;
        try {
          found = await sentFolder.contains(row.messageId);
        } catch (err) {
          // Other replies go on meanwhile: this row stays 'sending', which nothing else claims.
          this.#lastError = `cannot check Sent for an interrupted reply: ${(err as Error).message}`;
          this.#nextRecoveryAt = now().getTime() + this.#o.sentCopyRetryMs;
          logger.warn(
            { replyId: row.id, err: (err as Error).message },
            'Sent folder unreachable; will check again',
          );
          return;
        }
        if (found) {
          logger.info({ replyId: row.id }, 'interrupted reply found in Sent: marked sent, not resent');
          this.#publish(
            markReplySent(
              db,
              row.id,
              { response: 'found in Sent after a restart', note: null, sentCopy: 'appended' },
              now(),
            ),
          );
          ids.delete(row.id);
          continue;
        }
      }
      logger.warn({ replyId: row.id }, 'interrupted reply not found in Sent: sending again');
      this.#publish(requeueInterruptedReply(db, row.id, now()));
      ids.delete(row.id);
    }
    // Rows that left 'sending' some other way (a cancelled or restored row) need nothing more.
    const still = new Set(interruptedReplies(db).map((r) => r.id));
    for (const id of ids) if (!still.has(id)) ids.delete(id);
  }

  #retryDelay(attempts: number): number {
    const { baseMs, capMs } = this.#o.retry;
    const exp = Math.min(capMs, baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30));
    return Math.round(exp / 2 + (this.#o.random() * exp) / 2);
  }

  async #sendNext(): Promise<boolean> {
    const { db, now, logger, send } = this.#o;
    if (!send) return false;
    const claimed = claimDueReply(db, now());
    if (!claimed) return false;
    this.#publish(claimed);
    const { row, raw } = claimed;
    // A retry may follow a line cut after the final "." (RFC 1047): the server may have taken it. A
    // provider that files what it relays (Gmail, Microsoft 365) then has it in Sent (O-03 as O-02).
    if (row.attempts > 1 && this.#o.sentFolder) {
      const already = await this.#o.sentFolder.contains(row.messageId).catch(() => false);
      if (already) {
        this.#publish(
          markReplySent(
            db,
            row.id,
            { response: 'found in Sent before a retry', note: null, sentCopy: 'appended' },
            now(),
          ),
        );
        return true;
      }
    }
    let delivery;
    try {
      delivery = await send({ from: row.envelopeFrom, to: row.recipients }, raw);
    } catch (err) {
      const failure = classifySmtpError(err);
      this.#lastError = failure.message;
      if (failure.permanent || row.attempts >= this.#o.retry.maxAttempts) {
        const message = failure.permanent
          ? failure.message
          : `gave up after ${row.attempts} attempts: ${failure.message}`;
        logger.error({ replyId: row.id, attempts: row.attempts }, `reply failed: ${message}`);
        this.#publish(markReplyFailed(db, row.id, message, now()));
      } else {
        const retryAt = new Date(now().getTime() + this.#retryDelay(row.attempts));
        logger.warn(
          { replyId: row.id, attempts: row.attempts, retryAt },
          `reply will be retried: ${failure.message}`,
        );
        this.#publish(markReplyRetrying(db, row.id, failure.message, retryAt, now()));
      }
      return true;
    }
    this.#lastError = null;
    const note = delivery.rejected.length
      ? `not accepted for ${delivery.rejected.map((r) => `${r.address} (${r.response})`).join(', ')}`
      : null;
    const sent = markReplySent(db, row.id, { response: delivery.response, note }, now());
    this.#publish(sent);
    logger.info({ replyId: row.id }, 'reply sent');
    if (sent.reply.sentCopy === 'pending')
      await this.#fileSentCopy(row.id, row.messageId, raw, row.createdAt);
    return true;
  }

  async #fileNextSentCopy(): Promise<boolean> {
    if (!this.#o.sentFolder) return false;
    const owed = nextOwedSentCopy(this.#o.db, this.#o.now(), this.#o.sentCopyRetryMs);
    if (!owed) return false;
    await this.#fileSentCopy(owed.row.id, owed.row.messageId, owed.raw, owed.row.createdAt);
    return true;
  }

  async #fileSentCopy(replyId: number, messageId: string, raw: Buffer, date: Date): Promise<void> {
    const { db, now, sentFolder, logger } = this.#o;
    if (!sentFolder) return;
    try {
      await sentFolder.appendOnce(raw, messageId, date);
      this.#publish(markSentCopy(db, replyId, 'appended', null, now()));
    } catch (err) {
      const message = (err as Error).message;
      logger.warn({ replyId, err: message }, 'could not file the reply in Sent; will retry');
      this.#publish(markSentCopy(db, replyId, 'failed', message, now()));
    }
  }
}
