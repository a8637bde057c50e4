import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { closeDb, openMigratedDb } from '../../db/client.ts';
import { importReleases } from '../commands/releases.ts';
import { parseReleaseSource } from '../releases/parse-sources.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { startMailStack } from '../../test/support/mailstack.ts';
import { sendMail } from '../../test/support/send-mail.ts';
import { composeRawMessage } from '../mail/compose-raw.ts';
import { loadConfig, type Config } from '../config.ts';
import { serve } from '../serve.ts';
import { DEMO_ENQUIRIES } from './demo-enquiries.ts';
import { DEMO_SEED_URL, demoReleases } from './demo-releases.ts';

const DEMO_LOGIN = { email: 'demo@newsdesk.test', password: 'newsdesk-demo' };
const DEMO_MAILBOX = { user: 'newsdesk@newsdesk.test', password: 'newsdesk-demo-mail' };
const DEMO_JOURNALIST_PASSWORD = 'journalist-demo';

/**
 * Starts a throwaway Dovecot + Postfix, runs Newsdesk against it on a fresh demo database, and sends
 * sample enquiries (English and Arabic) through Postfix, some a little later to show live updates.
 */
export async function runDemo(base: Config): Promise<void> {
  // The sample journalists get mailboxes on the same stack, so replies sent from the demo are
  // delivered (and can be read over IMAP) instead of bouncing.
  const journalists = [...new Map(DEMO_ENQUIRIES.map((e) => [e.from.address, e.from])).values()];
  const journalistDomains = [...new Set(journalists.map((j) => j.address.split('@')[1]!))];
  const stack = await startMailStack({
    users: [
      DEMO_MAILBOX,
      ...journalists.map((j) => ({ user: j.address, password: DEMO_JOURNALIST_PASSWORD })),
    ],
    extraDomains: journalistDomains,
  });
  const dbPath = resolve(base.dbPath === './data/newsdesk.db' ? './data/demo.db' : base.dbPath);
  for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
  const config = loadConfig({
    NEWSDESK_DB: dbPath,
    NEWSDESK_HOST: base.host,
    NEWSDESK_PORT: String(base.port),
    NEWSDESK_LOG_LEVEL: base.logLevel === 'info' ? 'warn' : base.logLevel,
    NEWSDESK_IMAP_URL: stack.imapUrl(DEMO_MAILBOX.user),
    NEWSDESK_SMTP_URL: stack.smtpUrl(),
    NEWSDESK_ADDRESS: DEMO_MAILBOX.user,
    NEWSDESK_OFFICE_NAME: 'Newsdesk demo',
    NEWSDESK_UNDO_SECONDS: '5',
    NEWSDESK_ADMIN_EMAIL: DEMO_LOGIN.email,
    NEWSDESK_ADMIN_PASSWORD: DEMO_LOGIN.password,
  });
  process.on('exit', () => void stack.stop());
  const releases = demoReleases(new Date());
  const seedPath = join(
    process.env.NEWSDESK_SHARED ?? resolve('../shared'),
    'seeds/000_6f9cdc285af6822d.txt',
  );
  if (existsSync(seedPath)) {
    releases.push(
      ...parseReleaseSource(readFileSync(seedPath, 'utf8'), seedPath, { url: DEMO_SEED_URL }).releases,
    );
  } else {
    console.warn(`demo: seed release not found at ${seedPath}; using the built-in sample releases only`);
  }
  const db = openMigratedDb(dbPath);
  importReleases(db, releases, new Date());
  closeDb(db);
  await serve(config);
  console.log(`
Newsdesk demo is running.
  Open       http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/
  Sign in    ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}
  Mailbox    ${DEMO_MAILBOX.user} on IMAP 127.0.0.1:${stack.imapPort}, SMTP 127.0.0.1:${stack.smtpPort}
             (send your own test mail to ${DEMO_MAILBOX.user} through that SMTP port)
  Journalists  ${journalists.map((j) => j.address).join(', ')}
             read your replies over IMAP with password ${DEMO_JOURNALIST_PASSWORD}
Press Ctrl+C to stop; the demo mail stack is removed on exit.
`);

  const sent = new Map<string, string>();
  const start = Date.now();
  for (const enquiry of [...DEMO_ENQUIRIES].sort((a, b) => a.delaySeconds - b.delaySeconds)) {
    const wait = start + enquiry.delaySeconds * 1000 - Date.now();
    if (wait > 0) await sleep(wait);
    const parent = enquiry.replyTo ? sent.get(enquiry.replyTo) : undefined;
    const { raw, messageId } = composeRawMessage({
      from: enquiry.from,
      to: DEMO_MAILBOX.user,
      subject: enquiry.subject,
      text: enquiry.text,
      ...(enquiry.charset ? { charset: enquiry.charset } : {}),
      ...(parent ? { inReplyTo: parent, references: [parent] } : {}),
    });
    await sendMail(stack, raw);
    sent.set(enquiry.key, messageId);
    console.log(`demo: ${enquiry.from.name} sent "${enquiry.subject}"`);
  }
}
