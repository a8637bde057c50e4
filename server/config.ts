import { existsSync } from 'node:fs';

export interface MailServerUrl {
  protocol: 'imap' | 'imaps' | 'smtp' | 'smtps';
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  password: string | null;
  /** user@host:port: safe to log and to key a mailbox by; never carries the password. */
  account: string;
}

export interface Config {
  readonly dbPath: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly imap: MailServerUrl | null;
  readonly imapFolder: string;
  readonly smtp: MailServerUrl | null;
  /** The newsdesk's own address: mail from it is ours (direction "out"). */
  readonly address: string | null;
  readonly admin: { email: string; password: string } | null;
  readonly maxMessageBytes: number;
  readonly secureCookies: boolean;
  readonly sessionDays: number;
  /** Verify DKIM/SPF/DMARC/ARC of inbound mail (needs DNS); off for air-gapped installs. */
  readonly verifySenders: boolean;
  /** The authserv-id (usually the MX host name) in the Authentication-Results our own MX adds. */
  readonly authServId: string | null;
  /** The newsdesk's time zone, for deadlines written without one ("by 5pm"). */
  readonly timeZone: string;
  /** The Sent folder replies are copied to; null: the folder the server marks \Sent (SPECIAL-USE). */
  readonly sentFolder: string | null;
  /** How long a sent reply can still be pulled back (undo-send), in seconds; 0 sends at once. */
  readonly undoSeconds: number;
  /** Shown after the officer's name in From: "Amal Haddad — FCDO Newsdesk <newsdesk@…>". */
  readonly officeName: string;
  /**
   * Each reply also goes to the newsdesk's own address (envelope only) so its copy in the watched inbox
   * proves delivery after a crash; off, only the Sent folder can.
   */
  readonly selfCopy: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const DEFAULT_PORTS: Record<MailServerUrl['protocol'], number> = {
  imap: 143,
  imaps: 993,
  smtp: 587,
  smtps: 465,
};

/** Parses `imap://user:pass@host:port` style URLs; returns a problem string instead of throwing. */
export function parseMailUrl(
  name: string,
  value: string,
  kinds: ('imap' | 'smtp')[],
): MailServerUrl | string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${name} is not a URL (expected e.g. ${kinds[0]}://user:password@host:port)`;
  }
  const protocol = url.protocol.replace(/:$/, '') as MailServerUrl['protocol'];
  const allowed = kinds.flatMap((k) => [k, `${k}s`]);
  if (!allowed.includes(protocol))
    return `${name} must start with ${allowed.map((p) => `${p}://`).join(' or ')}`;
  if (!url.hostname) return `${name} has no host`;
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[protocol];
  const user = url.username ? decodeURIComponent(url.username) : null;
  return {
    protocol,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    secure: protocol.endsWith('s'),
    user,
    password: url.password ? decodeURIComponent(url.password) : null,
    account: `${user ?? ''}@${url.hostname}:${port}`,
  };
}

function positiveInt(name: string, raw: string | undefined, fallback: number, problems: string[]): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    problems.push(`${name} must be a positive integer, got "${raw}"`);
    return fallback;
  }
  return n;
}

function validTimeZone(raw: string | undefined, problems: string[]): string {
  const zone = raw?.trim() || 'Europe/London';
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    problems.push(`NEWSDESK_TIMEZONE is not an IANA time zone: "${zone}"`);
  }
  return zone;
}

function nonNegativeInt(name: string, raw: string | undefined, fallback: number, problems: string[]): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    problems.push(`${name} must be a whole number of 0 or more, got "${raw}"`);
    return fallback;
  }
  return n;
}

/** A value that ends up in a mail header: a line break there would let it add headers (O-11). */
function headerText(name: string, raw: string | undefined, fallback: string, problems: string[]): string {
  const value = raw?.trim() || fallback;
  if (/[\p{Cc}\u2028\u2029]/u.test(value))
    problems.push(`${name} may not contain line breaks or control characters`);
  return value;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Reads `NEWSDESK_*` from an environment; reports every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const problems: string[] = [];
  const port = positiveInt('NEWSDESK_PORT', env.NEWSDESK_PORT, 3000, problems);
  if (port > 65535) problems.push(`NEWSDESK_PORT must be at most 65535, got ${port}`);

  let imap: MailServerUrl | null = null;
  if (env.NEWSDESK_IMAP_URL) {
    const parsed = parseMailUrl('NEWSDESK_IMAP_URL', env.NEWSDESK_IMAP_URL, ['imap']);
    if (typeof parsed === 'string') problems.push(parsed);
    else if (!parsed.user || !parsed.password) problems.push('NEWSDESK_IMAP_URL needs a user and a password');
    else imap = parsed;
  }
  let smtp: MailServerUrl | null = null;
  if (env.NEWSDESK_SMTP_URL) {
    const parsed = parseMailUrl('NEWSDESK_SMTP_URL', env.NEWSDESK_SMTP_URL, ['smtp']);
    if (typeof parsed === 'string') problems.push(parsed);
    else smtp = parsed;
  }

  const address = env.NEWSDESK_ADDRESS || (imap?.user?.includes('@') ? imap.user : null);
  if (address && !/^[^\s@]+@[^\s@]+$/.test(address))
    problems.push(`NEWSDESK_ADDRESS is not an email address: "${address}"`);

  let admin: Config['admin'] = null;
  const adminEmail = env.NEWSDESK_ADMIN_EMAIL;
  const adminPassword = env.NEWSDESK_ADMIN_PASSWORD;
  if (adminEmail || adminPassword) {
    if (!adminEmail || !adminPassword)
      problems.push('set both NEWSDESK_ADMIN_EMAIL and NEWSDESK_ADMIN_PASSWORD, or neither');
    else if (adminPassword.length < 8) problems.push('NEWSDESK_ADMIN_PASSWORD must be at least 8 characters');
    else admin = { email: adminEmail.trim().toLowerCase(), password: adminPassword };
  }

  const logLevel = (env.NEWSDESK_LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel))
    problems.push(`NEWSDESK_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);

  const verifySetting = env.NEWSDESK_VERIFY_SENDERS;
  if (verifySetting && !['true', 'false'].includes(verifySetting))
    problems.push('NEWSDESK_VERIFY_SENDERS must be true or false');
  const selfCopySetting = env.NEWSDESK_SELF_COPY;
  if (selfCopySetting && !['true', 'false'].includes(selfCopySetting))
    problems.push('NEWSDESK_SELF_COPY must be true or false');
  const cookieSetting = env.NEWSDESK_SECURE_COOKIES;
  if (cookieSetting && !['true', 'false'].includes(cookieSetting))
    problems.push('NEWSDESK_SECURE_COOKIES must be true or false');

  const config: Config = {
    dbPath: env.NEWSDESK_DB || './data/newsdesk.db',
    host: env.NEWSDESK_HOST || '127.0.0.1',
    port,
    logLevel,
    imap,
    imapFolder: env.NEWSDESK_IMAP_FOLDER || 'INBOX',
    smtp,
    address: address ? address.toLowerCase() : null,
    admin,
    maxMessageBytes:
      positiveInt('NEWSDESK_MAX_MESSAGE_MB', env.NEWSDESK_MAX_MESSAGE_MB, 50, problems) * 1024 * 1024,
    secureCookies: cookieSetting === 'true',
    sessionDays: positiveInt('NEWSDESK_SESSION_DAYS', env.NEWSDESK_SESSION_DAYS, 14, problems),
    verifySenders: verifySetting !== 'false',
    authServId: env.NEWSDESK_AUTHSERV_ID?.trim() || null,
    timeZone: validTimeZone(env.NEWSDESK_TIMEZONE, problems),
    sentFolder: env.NEWSDESK_SENT_FOLDER
      ? headerText('NEWSDESK_SENT_FOLDER', env.NEWSDESK_SENT_FOLDER, '', problems)
      : null,
    undoSeconds: nonNegativeInt('NEWSDESK_UNDO_SECONDS', env.NEWSDESK_UNDO_SECONDS, 10, problems),
    officeName: headerText('NEWSDESK_OFFICE_NAME', env.NEWSDESK_OFFICE_NAME, 'Newsdesk', problems),
    selfCopy: selfCopySetting !== 'false',
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

/** Loads `.env` from the working directory into the environment when present (existing variables win). */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
