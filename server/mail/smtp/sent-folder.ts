import { ImapFlow } from 'imapflow';
import type { MailServerUrl } from '../../config.ts';

/** A folder searched for a message by its bare Message-ID (RFC 3501 SEARCH HEADER). */
export interface MessageSearch {
  contains(messageId: string): Promise<boolean>;
}

/** The Sent folder as the outbox worker needs it. Injected, so tests can use a real or a failing one. */
export interface SentFolder extends MessageSearch {
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
  const withClient = <T>(work: (client: ImapFlow) => Promise<T>) =>
    withShortConnection(options.url, options.socketTimeoutMs, work);

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

  return {
    contains: (messageId) =>
      withClient(async (client) => searchFolder(client, await sentPath(client), messageId)),
    appendOnce: (raw, messageId, date) =>
      withClient(async (client) => {
        const path = await sentPath(client);
        if (await searchFolder(client, path, messageId)) return 'already-there';
        const result = await client.append(path, raw, ['\\Seen'], date);
        if (!result) throw new Error(`APPEND to ${path} failed`);
        return 'appended';
      }),
  };
}

/**
 * The watched folder searched by Message-ID: where the self-copy of a reply arrives, the proof after a
 * crash that the server took it. INBOX too when another folder is watched, since delivery to our own
 * address lands there unless the mailbox's rules move it. Its own short connection, like Sent's.
 */
export function imapFolderSearch(options: {
  url: MailServerUrl;
  folder: string;
  socketTimeoutMs?: number;
}): MessageSearch {
  const folders = [...new Set([options.folder, 'INBOX'])];
  return {
    contains: (messageId) =>
      withShortConnection(options.url, options.socketTimeoutMs, async (client) => {
        for (const folder of folders) if (await searchFolder(client, folder, messageId)) return true;
        return false;
      }),
  };
}

async function withShortConnection<T>(
  url: MailServerUrl,
  socketTimeoutMs: number | undefined,
  work: (client: ImapFlow) => Promise<T>,
): Promise<T> {
  const client = new ImapFlow({
    host: url.host,
    port: url.port,
    secure: url.secure,
    auth: { user: url.user ?? '', pass: url.password ?? '' },
    logger: false,
    disableAutoIdle: true,
    socketTimeout: socketTimeoutMs ?? 60_000,
  });
  // Errors also reject the pending command; this only keeps an 'error' event from being unhandled.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

async function searchFolder(client: ImapFlow, path: string, messageId: string): Promise<boolean> {
  const lock = await client.getMailboxLock(path, { readOnly: true });
  try {
    // SEARCH HEADER is a substring match; our ids are long and random, so a hit is our message.
    const uids = await client.search({ header: { 'message-id': messageId } }, { uid: true });
    return Array.isArray(uids) && uids.length > 0;
  } finally {
    lock.release();
  }
}
