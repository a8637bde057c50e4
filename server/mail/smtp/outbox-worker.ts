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
} from '../../commands/replies/reply-lifecycle.ts';
import { decideInterruptedSend, type CopyLookup } from '../../domain/interrupted-send.ts';
import type { EventBus } from '../../events.ts';
import type { SequencedEvent } from '../../schemas/realtime.ts';
import type { MessageSearch, SentFolder } from './sent-folder.ts';
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
  /**
   * The newsdesk's own address, added as one more envelope recipient of every reply (never a header),
   * so a copy reaches the watched inbox (NEWSDESK_SELF_COPY); null: off.
   */
  selfCopyTo?: string | null;
  /** The watched inbox searched by Message-ID: where that copy arrives. Null without IMAP. */
  inbox?: MessageSearch | null;
  /** How long after an interrupted attempt its self-copy is awaited before the reply is sent again. */
  selfCopyGraceMs?: number;
  /** How soon an interrupted reply is looked for again while waiting. */
  recoveryCheckMs?: number;
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
 * wake-up sends it again. Each reply also goes, in the same SMTP transaction, to the newsdesk's own
 * address (envelope only): the server's one 250 commits it for all recipients, so its copy in the
 * watched inbox proves the journalist's was accepted, even when the process died before recording the
 * 250. A row still 'sending' at start-up belonged to a process that died mid-send: it is marked sent if
 * its Message-ID is in Sent or in the inbox; otherwise, if a self-copy was asked for, it is awaited for
 * a grace period (it may still be in the MTA's queue), and only then is the reply sent again, flagged
 * "possible duplicate". With the self-copy off, Sent is the only evidence, and a provider that does not
 * file what it relays leaves that window open. A failed APPEND never leads to another SMTP send: it is
 * retried on its own, after searching Sent first.
 */
export class OutboxWorker {
  readonly #o: Required<Omit<OutboxWorkerOptions, 'send' | 'sentFolder' | 'selfCopyTo' | 'inbox'>> &
    Pick<OutboxWorkerOptions, 'send' | 'sentFolder'> & {
      selfCopyTo: string | null;
      inbox: MessageSearch | null;
    };
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
      selfCopyGraceMs: 2 * 60_000,
      recoveryCheckMs: 10_000,
      ...options,
      selfCopyTo: options.selfCopyTo ?? null,
      inbox: options.inbox ?? null,
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

  /** Where a copy of a sent message could be; 'unavailable' when there is no such folder. */
  async #lookFor(messageId: string): Promise<{ sent: CopyLookup; inbox: CopyLookup; error: string | null }> {
    let error: string | null = null;
    const look = async (where: MessageSearch | null, name: string): Promise<CopyLookup> => {
      if (!where) return 'unavailable';
      try {
        return (await where.contains(messageId)) ? 'found' : 'absent';
      } catch (err) {
        error = `cannot search ${name}: ${(err as Error).message}`;
        return 'unreachable';
      }
    };
    const sent = await look(this.#o.sentFolder, 'Sent');
    // One hit is enough: no need to search the inbox as well.
    const inbox = sent === 'found' ? 'unavailable' : await look(this.#o.inbox, 'the inbox');
    return { sent, inbox, error };
  }

  /** Only replies get a self-copy: see #recipients. */
  #selfCopied(row: { kind: string }): boolean {
    return this.#o.selfCopyTo !== null && this.#o.inbox !== null && row.kind === 'reply';
  }

  /**
   * Rows left in 'sending' by a dead process, decided by decideInterruptedSend: a copy in Sent or the
   * inbox → sent; a folder unreachable, or a self-copy still possibly on its way → look again later;
   * otherwise → sent again (flagged). Other replies go on meanwhile: a 'sending' row is claimed by nothing.
   */
  async #recoverInterrupted(ids: Set<number>): Promise<void> {
    const { db, now, logger } = this.#o;
    let nextLook = Number.POSITIVE_INFINITY;
    for (const row of interruptedReplies(db).filter((r) => ids.has(r.id))) {
      const found = await this.#lookFor(row.messageId);
      const decision = decideInterruptedSend({
        sent: found.sent,
        inbox: found.inbox,
        selfCopied: this.#selfCopied(row),
        attemptAt: row.updatedAt,
        now: now(),
        graceMs: this.#o.selfCopyGraceMs,
        recheckMs: this.#o.recoveryCheckMs,
      });
      if (decision.action === 'mark-sent') {
        const where = decision.evidence === 'sent' ? 'Sent' : 'the inbox';
        logger.info({ replyId: row.id }, `interrupted reply found in ${where}: marked sent, not resent`);
        this.#publish(
          markReplySent(
            db,
            row.id,
            {
              response: `found in ${where} after a restart`,
              note: null,
              ...(decision.evidence === 'sent' ? { sentCopy: 'appended' as const } : {}),
            },
            now(),
          ),
        );
        ids.delete(row.id);
      } else if (decision.action === 'check-again') {
        nextLook = Math.min(nextLook, decision.at.getTime());
        if (decision.reason === 'unreachable') {
          this.#lastError = `cannot check an interrupted reply: ${found.error ?? 'folder unreachable'}`;
          logger.warn(
            { replyId: row.id, err: found.error },
            'cannot look for an interrupted reply; will look again',
          );
        } else {
          logger.info({ replyId: row.id }, 'interrupted reply: waiting for its copy to reach the inbox');
        }
      } else {
        logger.warn({ replyId: row.id }, 'interrupted reply: no copy in Sent or the inbox; sending again');
        this.#publish(requeueInterruptedReply(db, row.id, now()));
        ids.delete(row.id);
      }
    }
    this.#nextRecoveryAt = nextLook;
    // Rows that left 'sending' some other way (its copy ingested, a restored row) need nothing more.
    const still = new Set(interruptedReplies(db).map((r) => r.id));
    for (const id of ids) if (!still.has(id)) ids.delete(id);
  }

  /**
   * The journalist's recipients, plus the newsdesk itself for a reply. Not for an acknowledgement: its
   * null reverse-path and automatic nature make a copy of each one in the shared inbox noise, and a
   * duplicate acknowledgement after a crash is a small harm.
   */
  #recipients(row: { kind: string; recipients: string[] }): string[] {
    const self = this.#o.selfCopyTo;
    if (!self || !this.#selfCopied(row)) return row.recipients;
    if (row.recipients.some((r) => r.toLowerCase() === self.toLowerCase())) return row.recipients;
    return [...row.recipients, self];
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
    // The self-copy in the inbox proves the same.
    if (row.attempts > 1) {
      const found = await this.#lookFor(row.messageId);
      if (found.sent === 'found' || found.inbox === 'found') {
        const where = found.sent === 'found' ? 'Sent' : 'the inbox';
        this.#publish(
          markReplySent(
            db,
            row.id,
            {
              response: `found in ${where} before a retry`,
              note: null,
              ...(found.sent === 'found' ? { sentCopy: 'appended' as const } : {}),
            },
            now(),
          ),
        );
        return true;
      }
    }
    const recipients = this.#recipients(row);
    let delivery;
    try {
      delivery = await send({ from: row.envelopeFrom, to: recipients }, raw);
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
    // The self-copy is ours, not a recipient: its refusal is no failure, its acceptance no delivery.
    const addedSelf = recipients.length > row.recipients.length;
    const self = this.#o.selfCopyTo?.toLowerCase();
    const isAddedSelf = (address: string) => addedSelf && address.toLowerCase() === self;
    const refused = delivery.rejected.filter((r) => !isAddedSelf(r.address));
    if (delivery.rejected.length > refused.length)
      logger.warn({ replyId: row.id }, 'the server refused the self-copy; the reply went out without it');
    const refusedText = refused.map((r) => `${r.address} (${r.response})`).join(', ');
    // Only the self-copy taken: the journalist got nothing, as if every recipient had been refused.
    if (addedSelf && delivery.accepted.every(isAddedSelf)) {
      const message = `no recipient accepted: ${refusedText || delivery.response}`;
      logger.error({ replyId: row.id }, `reply failed: ${message}`);
      this.#publish(markReplyFailed(db, row.id, message, now()));
      return true;
    }
    const note = refused.length ? `not accepted for ${refusedText}` : null;
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
