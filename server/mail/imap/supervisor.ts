import { setTimeout as sleep } from 'node:timers/promises';
import { and, eq } from 'drizzle-orm';
import { ImapFlow } from 'imapflow';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../../db/client.ts';
import { mailboxes } from '../../../db/schema.ts';
import { appendEvents } from '../../commands/append-events.ts';
import type { MailServerUrl } from '../../config.ts';
import type { EventBus } from '../../events.ts';
import type { SyncProgress } from '../../schemas/realtime.ts';
import type { Pipeline } from '../pipeline.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';
import { oversizedPlaceholder } from './oversized.ts';

export interface MailboxSupervisorOptions {
  url: MailServerUrl;
  folder: string;
  address: string;
  db: Db;
  bus: EventBus;
  pipeline: Pipeline;
  logger: FastifyBaseLogger;
  now: () => Date;
  maxMessageBytes: number;
  backoff?: BackoffPolicy;
  /** UIDs per FETCH round trip; bodies of one batch are held in memory together. */
  batchSize?: number;
  /** Also bounds one batch's bodies in memory. */
  batchBytes?: number;
  /** A dead peer (half-open TCP) is noticed after this long without a byte. */
  socketTimeoutMs?: number;
  /** Catch up even without an IDLE wake-up this often, in case a notification was lost. */
  safetyPollMs?: number;
  random?: () => number;
}

type State = SyncProgress['state'];

/**
 * Owns the IMAP connection for one folder: backfill from the checkpoint, then IDLE, and after any
 * close a fresh ImapFlow (instances are single-use) after a capped, jittered backoff.
 * It opens the folder read-only (EXAMINE): Newsdesk never sets flags, moves or deletes.
 */
export class MailboxSupervisor {
  #state: State = 'stopped';
  #lastError: string | undefined;
  #stopping = false;
  #client: ImapFlow | null = null;
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #abort = new AbortController();
  #fetched = 0;
  #total: number | null = null;
  readonly #options: Required<Omit<MailboxSupervisorOptions, 'backoff' | 'random'>> & {
    backoff: BackoffPolicy;
    random: () => number;
  };

  constructor(options: MailboxSupervisorOptions) {
    this.#options = {
      backoff: DEFAULT_BACKOFF,
      batchSize: 200,
      batchBytes: 32 * 1024 * 1024,
      socketTimeoutMs: 5 * 60_000,
      safetyPollMs: 5 * 60_000,
      random: Math.random,
      ...options,
    };
  }

  get state(): State {
    return this.#state;
  }

  health(): { address: string; state: string; lastError?: string } {
    return {
      address: this.#options.address,
      state: this.#state,
      ...(this.#lastError ? { lastError: this.#lastError } : {}),
    };
  }

  start(): void {
    if (this.#loop) return;
    this.#stopping = false;
    // A stop() aborted the old controller; waits after a restart must sleep again.
    this.#abort = new AbortController();
    this.#loop = this.#run().catch((err: unknown) => {
      this.#options.logger.error({ err }, 'mailbox supervisor stopped unexpectedly');
      this.#setState('error', (err as Error).message);
    });
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#abort.abort();
    this.#wake?.();
    const client = this.#client;
    if (client) {
      // logout() waits for the server; close() is immediate and enough when we are leaving anyway.
      client.close();
    }
    await this.#loop;
    this.#loop = null;
    this.#setState('stopped');
  }

  #setState(state: State, lastError?: string): void {
    const changed = state !== this.#state || lastError !== this.#lastError;
    this.#state = state;
    this.#lastError = lastError;
    if (changed) this.#publishProgress();
  }

  #publishProgress(): void {
    const mailbox: SyncProgress = {
      address: this.#options.address,
      state: this.#state,
      fetched: this.#fetched,
      total: this.#total,
      ...(this.#lastError ? { lastError: this.#lastError } : {}),
    };
    try {
      const committed = appendEvents(
        this.#options.db,
        [{ type: 'sync.progress', mailbox }],
        this.#options.now(),
      );
      this.#options.bus.publish(committed);
    } catch (err) {
      // Progress is informative; a closed db during shutdown must not take the loop down.
      this.#options.logger.debug({ err }, 'could not record sync progress');
    }
  }

  #createClient(): ImapFlow {
    const { url } = this.#options;
    return new ImapFlow({
      host: url.host,
      port: url.port,
      secure: url.secure,
      auth: { user: url.user ?? '', pass: url.password ?? '' },
      logger: false,
      socketTimeout: this.#options.socketTimeoutMs,
      // Re-issue IDLE well before the 29 minutes RFC 2177 allows servers to cut us off.
      maxIdleTime: 25 * 60_000,
      // imapflow waits 15 s after the last command before IDLE by default: too slow for a newsdesk.
      autoIdleDelay: 50,
    });
  }

  #ensureMailboxRow(): number {
    const { db, url, folder, address, now } = this.#options;
    db.insert(mailboxes)
      .values({ account: url.account, folder, address, updatedAt: now() })
      .onConflictDoNothing()
      .run();
    const row = db
      .select({ id: mailboxes.id })
      .from(mailboxes)
      .where(and(eq(mailboxes.account, url.account), eq(mailboxes.folder, folder)))
      .get();
    if (!row) throw new Error('mailbox row missing after insert');
    return row.id;
  }

  async #run(): Promise<void> {
    const log = this.#options.logger;
    const mailboxId = this.#ensureMailboxRow();
    let attempt = 0;
    let authFailure = false;
    while (!this.#stopping) {
      const client = this.#createClient();
      this.#client = client;
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      // Errors also surface as a rejected command or a 'close'; this only keeps them from being unhandled.
      client.on('error', (err: Error) =>
        log.warn(
          { err: { message: err.message, code: (err as { code?: string }).code } },
          'imap connection error',
        ),
      );
      try {
        // While retrying after a failure, health keeps reporting that failure until we are back.
        if (this.#state !== 'auth-failed' && this.#state !== 'reconnecting') this.#setState('connecting');
        await client.connect();
        const mailbox = await client.mailboxOpen(this.#options.folder, { readOnly: true });
        authFailure = false;
        this.#lastError = undefined;
        const uidvalidity = mailbox.uidValidity ? Number(mailbox.uidValidity) : 0;
        this.#applyUidValidity(mailboxId, uidvalidity);
        log.info({ folder: this.#options.folder, exists: mailbox.exists }, 'imap mailbox opened');

        let pending = true;
        client.on('exists', () => {
          pending = true;
          this.#wake?.();
        });
        while (!this.#stopping && client.usable) {
          if (pending) {
            pending = false;
            await this.#catchUp(client, mailboxId, uidvalidity);
            // Only a completed catch-up resets the backoff: a message that fails every time must
            // not turn into a reconnect loop at the fastest rate.
            attempt = 0;
            continue;
          }
          this.#setState('idle');
          const woken = new Promise<void>((resolve) => (this.#wake = resolve));
          // One timer per wait, cancelled when anything else wakes us: no timers pile up under load.
          const waitOver = new AbortController();
          const stopListening = () => waitOver.abort();
          this.#abort.signal.addEventListener('abort', stopListening, { once: true });
          const safety = sleep(this.#options.safetyPollMs, undefined, { signal: waitOver.signal }).then(
            () => (pending = true),
            () => undefined,
          );
          await Promise.race([woken, closed, safety]);
          waitOver.abort();
          this.#abort.signal.removeEventListener('abort', stopListening);
          this.#wake = null;
        }
        if (!this.#stopping) this.#setState('reconnecting', 'connection closed by the server');
      } catch (err) {
        if (this.#stopping) break;
        const e = err as Error & { authenticationFailed?: boolean; code?: string; responseText?: string };
        authFailure = Boolean(e.authenticationFailed);
        const reason = authFailure ? `authentication failed: ${e.responseText ?? e.message}` : e.message;
        log.warn({ code: e.code, authFailure, attempt }, `imap sync interrupted: ${reason}`);
        this.#setState(authFailure ? 'auth-failed' : 'reconnecting', reason);
      } finally {
        client.removeAllListeners('exists');
        client.close();
        this.#client = null;
      }
      if (this.#stopping) break;
      const delay = backoffDelay(attempt++, this.#options.backoff, authFailure, this.#options.random);
      log.info({ delayMs: delay, attempt }, 'imap reconnect scheduled');
      await sleep(delay, undefined, { signal: this.#abort.signal }).catch(() => undefined);
    }
  }

  /** A changed UIDVALIDITY means every UID is new: rescan from 1; (Message-ID, hash) dedupe keeps it exactly-once. */
  #applyUidValidity(mailboxId: number, uidvalidity: number): void {
    const { db, now, logger } = this.#options;
    const row = db.select().from(mailboxes).where(eq(mailboxes.id, mailboxId)).get();
    if (!row) return;
    if (row.uidvalidity === null || row.uidvalidity === undefined) {
      db.update(mailboxes).set({ uidvalidity, updatedAt: now() }).where(eq(mailboxes.id, mailboxId)).run();
    } else if (row.uidvalidity !== uidvalidity) {
      logger.warn({ old: row.uidvalidity, new: uidvalidity }, 'UIDVALIDITY changed: resyncing the folder');
      db.update(mailboxes)
        .set({ uidvalidity, lastUid: 0, updatedAt: now() })
        .where(eq(mailboxes.id, mailboxId))
        .run();
    }
  }

  #checkpoint(mailboxId: number): number {
    return (
      this.#options.db
        .select({ lastUid: mailboxes.lastUid })
        .from(mailboxes)
        .where(eq(mailboxes.id, mailboxId))
        .get()?.lastUid ?? 0
    );
  }

  async #catchUp(client: ImapFlow, mailboxId: number, uidvalidity: number): Promise<void> {
    const last = this.#checkpoint(mailboxId);
    // `n:*` always matches the highest UID even when it is below n (RFC 3501 §6.4.8): filter.
    const found = await client.search({ uid: `${last + 1}:*` }, { uid: true });
    const uids = (found || []).filter((uid) => uid > last).sort((a, b) => a - b);
    if (uids.length === 0) return;
    this.#fetched = 0;
    this.#total = uids.length;
    this.#setState('backfill');
    for (let i = 0; i < uids.length && !this.#stopping; i += this.#options.batchSize) {
      await this.#syncBatch(client, mailboxId, uidvalidity, uids.slice(i, i + this.#options.batchSize));
      this.#publishProgress();
    }
    this.#total = null;
  }

  /**
   * UIDs that SEARCH listed but FETCH did not return are normally expunged in between. If SEARCH
   * still finds one, the server glitched: stop here (the checkpoint has not passed it) and retry
   * after a reconnect, rather than let later UIDs move the checkpoint past a message never stored.
   */
  async #confirmExpunged(client: ImapFlow, asked: number[], got: { uid: number }[]): Promise<void> {
    const returned = new Set(got.map((m) => m.uid));
    const missing = asked.filter((uid) => !returned.has(uid));
    if (missing.length === 0) return;
    const still = (await client.search({ uid: missing.join(',') }, { uid: true })) || [];
    const present = still.filter((uid) => missing.includes(uid));
    if (present.length > 0) {
      throw new Error(
        `server listed UIDs ${present.slice(0, 5).join(', ')} but did not return them; retrying`,
      );
    }
    this.#options.logger.info(
      { uids: missing.slice(0, 20), count: missing.length },
      'messages expunged before they could be fetched',
    );
  }

  async #syncBatch(client: ImapFlow, mailboxId: number, uidvalidity: number, batch: number[]): Promise<void> {
    const { maxMessageBytes, batchBytes, pipeline } = this.#options;
    // Sizes first: an oversized message is never downloaded, and bodies are fetched in byte-bounded
    // groups. Every FETCH is drained before any other command runs (no command inside a fetch loop).
    const meta: { uid: number; size: number; internalDate: Date | null }[] = [];
    for await (const msg of client.fetch(
      batch.join(','),
      { uid: true, size: true, internalDate: true },
      { uid: true },
    )) {
      const internalDate =
        msg.internalDate instanceof Date
          ? msg.internalDate
          : msg.internalDate
            ? new Date(msg.internalDate)
            : null;
      meta.push({ uid: msg.uid, size: msg.size ?? 0, internalDate });
    }
    meta.sort((a, b) => a.uid - b.uid);
    await this.#confirmExpunged(client, batch, meta);
    let group: typeof meta = [];
    let groupBytes = 0;
    const flush = async () => {
      if (group.length === 0) return;
      const wanted = group.filter((m) => m.size <= maxMessageBytes);
      const sources = new Map<number, Buffer>();
      if (wanted.length > 0) {
        for await (const msg of client.fetch(
          wanted.map((m) => m.uid).join(','),
          { uid: true, source: true },
          { uid: true },
        )) {
          if (msg.source) sources.set(msg.uid, msg.source);
        }
        await this.#confirmExpunged(
          client,
          wanted.map((m) => m.uid),
          [...sources.keys()].map((uid) => ({ uid })),
        );
      }
      const headersOfOversized = new Map<number, Buffer>();
      const oversized = group.filter((m) => m.size > maxMessageBytes);
      if (oversized.length > 0) {
        for await (const msg of client.fetch(
          oversized.map((m) => m.uid).join(','),
          { uid: true, headers: true },
          { uid: true },
        )) {
          if (msg.headers) headersOfOversized.set(msg.uid, msg.headers);
        }
      }
      for (const m of group) {
        // A stop must not wait for the rest of the batch; the checkpoint makes the rest a refetch.
        if (this.#stopping) break;
        const source = { kind: 'imap' as const, mailboxId, uidvalidity, uid: m.uid };
        const raw =
          sources.get(m.uid) ??
          (m.size > maxMessageBytes
            ? oversizedPlaceholder(headersOfOversized.get(m.uid), m.size, maxMessageBytes)
            : null);
        // Expunged between SEARCH and FETCH: nothing to store, and no reason to stop.
        if (!raw) continue;
        // Let HTTP and websocket traffic through between messages during a long backfill.
        await new Promise<void>((resolve) => setImmediate(resolve));
        await pipeline.ingestRaw(raw, source, {
          internalDate: m.internalDate,
          ...(m.size > maxMessageBytes ? { oversizedBytes: m.size } : {}),
        });
        this.#fetched++;
      }
      group = [];
      groupBytes = 0;
    };
    for (const m of meta) {
      const bytes = Math.min(m.size, maxMessageBytes);
      if (group.length > 0 && groupBytes + bytes > batchBytes) await flush();
      group.push(m);
      groupBytes += bytes;
    }
    await flush();
  }
}
