import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { closeDb, openMigratedDb } from '../../db/client.ts';
import { importReleases } from '../commands/releases.ts';
import { addUser, setStaffAccess } from '../commands/users.ts';
import { ConfigError, loadConfig, loadDotEnv } from '../config.ts';
import { AppError } from '../errors.ts';
import { EventBus } from '../events.ts';
import { exportThreads, threadsToCsv } from '../export/threads.ts';
import { readMailSource } from '../mail/import-sources.ts';
import { createPipeline } from '../mail/pipeline.ts';
import { parseReleaseSource } from '../releases/parse-sources.ts';

const USAGE = `Usage: newsdesk <command> [options]

Commands:
  serve                              run the server (same as npm start)
  migrate                            create or upgrade the database
  user add --email E [--name N] [--admin] [--approver]
                                     add a staff account (password from NEWSDESK_USER_PASSWORD or stdin);
                                     --approver lets them approve replies when sign-off is on
  user set --email E [--admin|--staff] [--approver|--no-approver]
                                     change an account's role or whether it approves replies
  mail import PATH                   import an mbox file, a maildir or a folder of .eml files
  releases import FILE|URL [--url U] import releases: release JSON, an Atom/RSS feed, a release's HTML page,
                                     or one release as plain text (which needs --url)
  export threads [--format json|csv] [--out FILE]
  demo                               run against a local demo mail stack with sample enquiries

Every command takes --db PATH (default: NEWSDESK_DB or ./data/newsdesk.db).`;

class UsageError extends Error {}

/** A file's text, or a URL's: release pages and feeds are often fetched straight from the site. */
async function readReleaseSource(source: string): Promise<string> {
  if (/^https?:\/\//i.test(source)) {
    const response = await fetch(source, { redirect: 'follow', signal: AbortSignal.timeout(30_000) });
    if (!response.ok) throw new Error(`${source}: HTTP ${response.status}`);
    return response.text();
  }
  return readFile(source, 'utf8');
}

async function readPasswordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password: ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

async function main(argv: string[]): Promise<number> {
  loadDotEnv();
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      admin: { type: 'boolean', default: false },
      staff: { type: 'boolean', default: false },
      approver: { type: 'boolean' },
      'no-approver': { type: 'boolean', default: false },
      format: { type: 'string', default: 'json' },
      out: { type: 'string' },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, sub, arg] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const env = { ...process.env, ...(values.db ? { NEWSDESK_DB: values.db } : {}) };
  const config = loadConfig(env);

  switch (command) {
    case 'serve': {
      const { serve } = await import('../serve.ts');
      await serve(config);
      return -1; // keeps running
    }
    case 'demo': {
      const { runDemo } = await import('./demo.ts');
      await runDemo(config);
      return -1;
    }
    case 'migrate': {
      closeDb(openMigratedDb(config.dbPath));
      console.error(`database ready: ${config.dbPath}`);
      return 0;
    }
    case 'user': {
      const userUsage = 'usage: newsdesk user add|set --email E …  (see newsdesk --help)';
      if (sub !== 'add' && sub !== 'set') throw new UsageError(userUsage);
      if (!values.email) throw new UsageError(`user ${sub} needs --email`);
      if (values.admin && values.staff) throw new UsageError('--admin and --staff contradict each other');
      if (values.approver && values['no-approver'])
        throw new UsageError('--approver and --no-approver contradict each other');
      if (sub === 'add') {
        if (values.staff || values['no-approver'])
          throw new UsageError(
            'user add makes staff non-approvers by default; --staff and --no-approver are for user set',
          );
        const password = process.env.NEWSDESK_USER_PASSWORD ?? (await readPasswordFromStdin());
        const db = openMigratedDb(config.dbPath);
        try {
          const user = await addUser(
            db,
            {
              email: values.email,
              password,
              role: values.admin ? 'admin' : 'staff',
              canApprove: values.approver === true,
              ...(values.name ? { name: values.name } : {}),
            },
            new Date(),
          );
          console.error(`added ${user.role} ${user.email}${values.approver ? ' (approver)' : ''}`);
        } finally {
          closeDb(db);
        }
        return 0;
      }
      const changes = {
        ...(values.admin ? { role: 'admin' as const } : values.staff ? { role: 'staff' as const } : {}),
        ...(values.approver ? { canApprove: true } : values['no-approver'] ? { canApprove: false } : {}),
      };
      if (Object.keys(changes).length === 0)
        throw new UsageError('user set needs --admin, --staff, --approver or --no-approver');
      const db = openMigratedDb(config.dbPath);
      try {
        const user = setStaffAccess(db, { email: values.email }, changes);
        console.error(`${user.email}: ${user.role}, ${user.canApprove ? 'approver' : 'not an approver'}`);
      } finally {
        closeDb(db);
      }
      return 0;
    }
    case 'mail': {
      if (sub !== 'import' || !arg) throw new UsageError('usage: newsdesk mail import PATH');
      const db = openMigratedDb(config.dbPath);
      const pipeline = createPipeline({
        db,
        bus: new EventBus(),
        now: () => new Date(),
        ownAddress: config.address,
        timeZone: config.timeZone,
      });
      let stored = 0;
      let duplicates = 0;
      let failed = 0;
      try {
        for await (const file of readMailSource(arg)) {
          try {
            const outcome = await pipeline.ingestRaw(file.raw, { kind: 'import' });
            if (outcome.status === 'stored') stored++;
            else duplicates++;
          } catch (err) {
            failed++;
            console.error(`${file.origin}: not imported: ${(err as Error).message}`);
          }
        }
      } finally {
        closeDb(db);
      }
      console.error(`imported ${stored} messages (${duplicates} already stored, ${failed} failed)`);
      return failed > 0 ? 1 : 0;
    }
    case 'releases': {
      if (sub !== 'import' || !arg) throw new UsageError('usage: newsdesk releases import FILE|URL');
      const content = await readReleaseSource(arg);
      const { kind, releases } = parseReleaseSource(content, arg, values.url ? { url: values.url } : {});
      const db = openMigratedDb(config.dbPath);
      try {
        const summary = importReleases(db, releases, new Date());
        console.error(
          `${kind}: ${releases.length} releases read; ${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged`,
        );
      } finally {
        closeDb(db);
      }
      return 0;
    }
    case 'export': {
      if (sub !== 'threads')
        throw new UsageError('usage: newsdesk export threads [--format json|csv] [--out FILE]');
      if (values.format !== 'json' && values.format !== 'csv')
        throw new UsageError('--format must be json or csv');
      const db = openMigratedDb(config.dbPath);
      const out = values.out ? createWriteStream(values.out) : process.stdout;
      const write = (chunk: string) =>
        new Promise<void>((resolve, reject) => out.write(chunk, (err) => (err ? reject(err) : resolve())));
      try {
        if (values.format === 'csv') {
          for (const line of threadsToCsv(exportThreads(db))) await write(line);
        } else {
          // Streamed as a JSON array, one thread at a time, so a large archive never sits in memory.
          let first = true;
          await write('[');
          for (const thread of exportThreads(db)) {
            await write((first ? '\n' : ',\n') + JSON.stringify(thread));
            first = false;
          }
          await write('\n]\n');
        }
      } finally {
        closeDb(db);
        if (values.out)
          await new Promise<void>((resolve) => (out as ReturnType<typeof createWriteStream>).end(resolve));
      }
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  }
}

try {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exitCode = code;
} catch (err) {
  if (err instanceof ConfigError) console.error(err.message);
  else if (err instanceof UsageError || err instanceof AppError) console.error(`newsdesk: ${err.message}`);
  else console.error(`newsdesk: ${(err as Error).message}`);
  process.exitCode = err instanceof UsageError ? 2 : 1;
}
