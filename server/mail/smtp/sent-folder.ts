import { ImapFlow } from 'imapflow';
import type { MailServerUrl } from '../../config.ts';

/** The Sent folder as the outbox worker needs it. Injected, so tests can use a real or a failing one. */
export interface SentFolder {
  /** Whether a message with this bare Message-ID is already in Sent (RFC 3501 SEARCH HEADER). */
  contains(messageId: string): Promise<boolean>;
  /** Appends the exact bytes, marked \Seen, unless a copy with this Message-ID is already there (O-09). */
  appendOnce(raw: Buffer, messageId: string, date: Date): Promise<'appended' | 'already-there'>;
}

export interface ImapSentFolderOptions {
  url: MailServerUrl;
  /** A folder name that wins over SPECIAL-USE (NEWSDESK_SENT_FOLDER). */
  override: string | null;
  socketTimeoutMs?: number;
}

/**
 * The newsdesk mailbox's Sent folder over its own short-lived IMAP connection, so it never waits on the
 * sync connection's INBOX lock (I-16). The folder is found by RFC 6154 SPECIAL-USE, so "Gesendete
 * Elemente" and "[Gmail]/Sent Mail" work; a configured name wins (O-10).
 */
export function imapSentFolder(options: ImapSentFolderOptions): SentFolder {
  const connect = async (): Promise<ImapFlow> => {
    const client = new ImapFlow({
      host: options.url.host,
      port: options.url.port,
      secure: options.url.secure,
      auth: { user: options.url.user ?? '', pass: options.url.password ?? '' },
      logger: false,
      disableAutoIdle: true,
      socketTimeout: options.socketTimeoutMs ?? 60_000,
    });
    // Errors also reject the pending command; this only keeps an 'error' event from being unhandled.
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };

  const sentPath = async (client: ImapFlow): Promise<string> => {
    if (options.override) return options.override;
    const folders = await client.list();
    const sent =
      folders.find((f) => f.specialUse === '\\Sent' && f.specialUseSource === 'extension') ??
      folders.find((f) => f.specialUse === '\\Sent');
    if (!sent)
      throw new Error('no Sent folder found (the server marks none \\Sent); set NEWSDESK_SENT_FOLDER');
    return sent.path;
  };

  const search = async (client: ImapFlow, path: string, messageId: string): Promise<boolean> => {
    const lock = await client.getMailboxLock(path, { readOnly: true });
    try {
      // SEARCH HEADER is a substring match; our ids are long and random, so a hit is our message.
      const uids = await client.search({ header: { 'message-id': messageId } }, { uid: true });
      return Array.isArray(uids) && uids.length > 0;
    } finally {
      lock.release();
    }
  };

  const withClient = async <T>(work: (client: ImapFlow) => Promise<T>): Promise<T> => {
    const client = await connect();
    try {
      return await work(client);
    } finally {
      await client.logout().catch(() => client.close());
    }
  };

  return {
    contains: (messageId) => withClient(async (client) => search(client, await sentPath(client), messageId)),
    appendOnce: (raw, messageId, date) =>
      withClient(async (client) => {
        const path = await sentPath(client);
        if (await search(client, path, messageId)) return 'already-there';
        const result = await client.append(path, raw, ['\\Seen'], date);
        if (!result) throw new Error(`APPEND to ${path} failed`);
        return 'appended';
      }),
  };
}
