/**
 * A throwaway Postfix + Dovecot mail stack on loopback for integration tests and the demo.
 *
 * Flow: SMTP to Postfix on 127.0.0.1 → LMTP over a unix socket in the temp dir → Dovecot → IMAP on
 * 127.0.0.1. Config, state, queue, mail, logs and sockets all live in one temp dir; nothing under /etc,
 * /var or on system ports is touched, so several stacks can run side by side.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as net from 'node:net';
import * as path from 'node:path';

export interface MailUser {
  /** Full address, e.g. newsdesk@newsdesk.test. */
  user: string;
  password: string;
}

export interface MailStackOptions {
  /** Virtual mail domain; default 'newsdesk.test'. */
  domain?: string;
  /**
   * More domains this stack hosts mailboxes for (e.g. a journalist's 'press.test'), so mail sent
   * through Postfix to them is delivered here too; default none.
   */
  extraDomains?: string[];
  /**
   * Behave like Gmail or Microsoft 365 for this user: every message they send through Postfix is also
   * filed in their own Sent folder (a sender_bcc to user+Sent, saved by LMTP to the detail mailbox).
   * Default: none, Postfix files nothing.
   */
  fileSentFor?: string;
  /** Mailbox users; default [{ user: 'newsdesk@<domain>', password: 'newsdesk-pass' }]. */
  users?: MailUser[];
  /** IMAP listens on portBase, SMTP on portBase + 1; default: a free pair picked per worker. */
  portBase?: number;
  /** Dovecot mailbox format; default 'sdbox' (or MS_MAIL_FORMAT). */
  mailFormat?: 'sdbox' | 'maildir';
}

export interface MailStack {
  dir: string;
  domain: string;
  imapPort: number;
  smtpPort: number;
  host: '127.0.0.1';
  users: MailUser[];
  /** imap://user:pass@127.0.0.1:port for the given (default: first) user, URL-encoded. */
  imapUrl(user?: string): string;
  /** smtp://127.0.0.1:port; loopback may deliver to the virtual domain without auth. */
  smtpUrl(): string;
  /** Kills Dovecot only; Postfix keeps accepting and queues mail until startDovecot(). */
  stopDovecot(): Promise<void>;
  /**
   * Starts Dovecot again on the same ports, sockets and mail, then (unless flush is false) has Postfix
   * retry deferred mail at once instead of at its next queue run, up to 5 s away.
   */
  startDovecot(opts?: { flush?: boolean }): Promise<void>;
  /** Runs `doveadm -c <dir>/dovecot.conf ...args` and returns its stdout. */
  doveadm(args: string[]): Promise<string>;
  /** Resolves once the user's INBOX holds at least `count` messages. */
  waitForDelivery(user: string, count: number, timeoutMs?: number): Promise<void>;
  /** SIGKILLs both daemons' process groups and deletes the temp dir. */
  stop(): Promise<void>;
}

const BIN = {
  dovecot: '/usr/sbin/dovecot',
  doveadm: '/usr/bin/doveadm',
  imap: '/usr/lib/dovecot/imap',
  lmtp: '/usr/lib/dovecot/lmtp',
  postfix: '/usr/sbin/postfix',
  postfixMaster: '/usr/lib/postfix/sbin/master',
  postqueue: '/usr/sbin/postqueue',
} as const;

const INSTALL_HINT = 'mail stack missing: run `sudo apt-get install -y dovecot-imapd dovecot-lmtpd postfix`';

/** Reports whether the Debian mail packages this harness drives are installed and usable. */
export function mailStackAvailable(): { ok: true } | { ok: false; reason: string } {
  for (const bin of Object.values(BIN)) {
    try {
      fs.accessSync(bin, fs.constants.X_OK);
    } catch {
      return { ok: false, reason: INSTALL_HINT };
    }
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    // Both masters must start as root to bind, chown the queue and drop privileges per service.
    return { ok: false, reason: 'mail stack needs root: run the tests as root (as CI does)' };
  }
  return { ok: true };
}

// Linux hands out ephemeral ports from 32768 up; staying below keeps outgoing connections off our ports.
const PORT_MIN = 20000;
const PORT_MAX = 32000;
const PORT_BLOCKS = 16;
const LOCK_DIR = '/tmp/newsdesk-mailstack-ports';
const START_TIMEOUT_MS = 15_000;

interface Ids {
  postfixUid: number;
  postfixGid: number;
  postdropGid: number;
}

interface Daemon {
  child: ChildProcess;
  pgid: number;
  exited: Promise<void>;
  earlyExit: Promise<never>;
}

interface Live {
  dir: string;
  daemons: Set<Daemon>;
  watchdog: ChildProcess | undefined;
  locks: string[];
}

const live = new Set<Live>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Only a safety net for a test that forgot stop(): 'exit' handlers must be synchronous.
  process.on('exit', () => {
    for (const l of live) {
      for (const d of l.daemons) killGroup(d.pgid);
      l.watchdog?.kill('SIGKILL');
      for (const lock of l.locks) fs.rmSync(lock, { force: true });
      fs.rmSync(l.dir, { recursive: true, force: true });
    }
  });
}

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // ESRCH: already gone.
  }
}

/** Ids of processes in a process group that are still running (zombies hold no sockets or locks). */
function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // The comm field may contain spaces and parentheses, so parse from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] !== 'Z' && Number(fields[2]) === pgid) out.push(Number(name));
  }
  return out;
}

/** True while the process exists and is not a zombie; `kill -0` can't tell the two apart. */
export function processRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function killGroupAndWait(pgid: number, timeoutMs = 5000): Promise<void> {
  killGroup(pgid);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = groupMembers(pgid);
    if (left.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`processes ${left.join(',')} of group ${pgid} survived SIGKILL`);
    // A process forked while the signal was in flight joins the group after the kill.
    killGroup(pgid);
    await sleep(5);
  }
}

/** Kills a daemon's whole process group and resolves once Node has reaped the master. */
async function killDaemon(d: Daemon): Promise<void> {
  // The child is unref'd; with nothing else pending the loop could exit before it sees SIGCHLD.
  d.child.ref();
  try {
    await killGroupAndWait(d.pgid);
    await d.exited;
  } finally {
    d.child.unref();
  }
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err)
        reject(new Error(`${path.basename(cmd)} ${args.join(' ')} failed: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function lookupId(file: string, name: string): number {
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const parts = line.split(':');
    if (parts[0] === name && parts[2] !== undefined) return Number(parts[2]);
  }
  throw new Error(`${name} not found in ${file} (is postfix installed?)`);
}

function systemIds(): Ids {
  return {
    postfixUid: lookupId('/etc/passwd', 'postfix'),
    postfixGid: lookupId('/etc/group', 'postfix'),
    postdropGid: lookupId('/etc/group', 'postdrop'),
  };
}

// ---------------------------------------------------------------------------------------------
// Ports

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host: '127.0.0.1', port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/**
 * Postfix binds with SO_REUSEPORT, so a second stack on a taken SMTP port starts "fine" and the kernel
 * then splits connections between the two. A listener that accepts, or a port we can't bind, is refused.
 */
async function portFree(port: number): Promise<boolean> {
  return !(await canConnect(port)) && (await canBind(port));
}

function lockAlive(file: string): boolean {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return pid > 0 && processRunning(pid);
  } catch {
    return false;
  }
}

/** Cross-process reservation, so two workers that probe the same free port at once can't both take it. */
function tryLock(port: number): string | undefined {
  fs.mkdirSync(LOCK_DIR, { recursive: true });
  const file = path.join(LOCK_DIR, String(port));
  // link() publishes the file with its pid already in it; with open(O_EXCL) + write, a racing
  // reader could see it empty and take it for stale.
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  fs.writeFileSync(tmp, `${process.pid}\n`);
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.linkSync(tmp, file);
        return file;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        if (lockAlive(file)) return undefined;
        fs.rmSync(file, { force: true });
      }
    }
    return undefined;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Listening TCP sockets on a port, from the kernel's tables (SO_REUSEPORT siblings each count). */
function listenerCount(port: number): number {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let n = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols[1] is local_address (hex ip:port), cols[3] the state; 0A is LISTEN.
      if (cols[1]?.endsWith(hexPort) && cols[3] === '0A') n++;
    }
  }
  return n;
}

async function reservePorts(
  portBase: number | undefined,
): Promise<{ imap: number; smtp: number; locks: string[] }> {
  const pool = Number(process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? process.pid);
  const blockSize = Math.floor((PORT_MAX - PORT_MIN) / PORT_BLOCKS);
  const blockStart = PORT_MIN + (Math.abs(pool) % PORT_BLOCKS) * blockSize;
  const attempts = portBase === undefined ? 50 : 1;
  for (let i = 0; i < attempts; i++) {
    const base = portBase ?? blockStart + 2 * Math.floor((Math.random() * (blockSize - 2)) / 2);
    const locks: string[] = [];
    for (const port of [base, base + 1]) {
      const lock = tryLock(port);
      if (lock) locks.push(lock);
    }
    if (locks.length === 2 && (await portFree(base)) && (await portFree(base + 1))) {
      return { imap: base, smtp: base + 1, locks };
    }
    for (const lock of locks) fs.rmSync(lock, { force: true });
  }
  throw new Error(
    portBase === undefined
      ? `no free loopback port pair found in ${PORT_MIN}-${PORT_MAX}`
      : `ports ${portBase}/${portBase + 1} are in use or reserved by another mail stack`,
  );
}

// ---------------------------------------------------------------------------------------------
// Config

interface Layout {
  dir: string;
  token: string;
  domain: string;
  extraDomains: string[];
  fileSentFor: string | null;
  users: MailUser[];
  imapPort: number;
  smtpPort: number;
  mailFormat: 'sdbox' | 'maildir';
}

function dovecotConf(l: Layout): string {
  const d = l.dir;
  const mailLocation = l.mailFormat === 'maildir' ? 'maildir:~/Maildir' : 'sdbox:~/mail';
  return `# Generated by test/support/mailstack.ts (Dovecot 2.3 syntax; 2.4 renamed most of these).
base_dir = ${d}/run
state_dir = ${d}/state
instance_name = ${l.token}
log_path = ${d}/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
hostname = mx.${l.domain}
login_greeting = Newsdesk test IMAP ${l.token} ready.
# No STARTTLS: clients would upgrade on their own and then reject a self-signed certificate.
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# Mail is stored as the stock 'mail' user (uid 8), so no account has to be created.
first_valid_uid = 8
first_valid_gid = 8
mail_location = ${mailLocation}
# Throwaway data: fsync only slows APPEND-heavy tests and benchmarks down.
mail_fsync = never
recipient_delimiter = +
postmaster_address = postmaster@${l.domain}

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${d}/users
}
userdb {
  driver = passwd-file
  args = username_format=%u ${d}/users
}

namespace inbox {
  inbox = yes
  separator = /
  # RFC 6154 SPECIAL-USE folders, so clients (and our reply-to-Sent feature) find them by role.
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
  mailbox Archive {
    special_use = \\Archive
    auto = subscribe
  }
}

service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${l.imapPort}
  }
  inet_listener imaps {
    port = 0
  }
  # High-performance mode: one long-lived login process instead of a fork per connection.
  service_count = 0
  process_min_avail = 1
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
  inet_listener pop3s {
    port = 0
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
}

protocol imap {
  # The default of 10 per user and IP is hit by parallel test clients and benchmarks.
  mail_max_userip_connections = 100
}
${
  l.fileSentFor
    ? `protocol lmtp {
  # user+Sent@domain is delivered into the user's Sent folder (see fileSentFor).
  lmtp_save_to_detail_mailbox = yes
}
`
    : ''
}`;
}

function usersFile(l: Layout): string {
  return l.users
    .map(({ user, password }) => {
      const [local, domain] = user.split('@');
      return `${user}:{PLAIN}${password}:8:8::${l.dir}/mail/${domain}/${local}::\n`;
    })
    .join('');
}

function postfixMainCf(l: Layout): string {
  const d = l.dir;
  return `# Generated by test/support/mailstack.ts (Postfix 3.7).
compatibility_level = 3.6
queue_directory = ${d}/spool
data_directory = ${d}/pdata
mail_owner = postfix
setgid_group = postdrop
# The machine's own hostname is a bare 'vm'; nothing should depend on it.
myhostname = mx.${l.domain}
mydomain = ${l.domain}
myorigin = $myhostname
smtpd_banner = $myhostname ESMTP ${l.token}
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
# No local delivery and no relaying: everything is either our virtual domain or an error.
mydestination =
relay_domains =
local_transport = error:local delivery is disabled
default_transport = error:outbound mail is disabled
alias_maps =
alias_database =
virtual_mailbox_domains = ${[l.domain, ...l.extraDomains].join(', ')}
# texthash: needs no postmap step.
virtual_mailbox_maps = texthash:${d}/postfix/vmailbox
virtual_transport = lmtp:unix:${d}/run/lmtp${
    l.fileSentFor ? `\nsender_bcc_maps = texthash:${d}/postfix/sender_bcc` : ''
  }
recipient_delimiter = +
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
# No SMTP AUTH via Dovecot: smtpd dies ("no SASL authentication mechanisms") when the auth socket is
# gone, and master then throttles smtpd for 60 s, which breaks sending while Dovecot is stopped.
smtpd_sasl_auth_enable = no
smtpd_tls_security_level = none
smtp_tls_security_level = none
# No DNS in the sandbox; a reverse lookup per connection could stall.
smtpd_peername_lookup = no
message_size_limit = 52428800
# No syslogd here: log straight to a file through the postlog service.
maillog_file = ${d}/postfix.log
maillog_file_prefixes = ${d}
# Defaults are 300 s / 4000 s / 1 s: a message deferred while Dovecot is down would sit for minutes.
minimal_backoff_time = 1s
maximal_backoff_time = 5s
queue_run_delay = 1s
in_flow_delay = 0
biff = no
append_dot_mydomain = no
`;
}

function postfixMasterCf(l: Layout): string {
  // chroot = n everywhere: a chrooted lmtp client can't reach Dovecot's socket in the temp dir.
  return `# Generated by test/support/mailstack.ts.
127.0.0.1:${l.smtpPort} inet n - n - - smtpd
pickup     unix  n - n 60 1 pickup
cleanup    unix  n - n - 0 cleanup
qmgr       unix  n - n 300 1 qmgr
rewrite    unix  - - n - - trivial-rewrite
bounce     unix  - - n - 0 bounce
defer      unix  - - n - 0 bounce
trace      unix  - - n - 0 bounce
verify     unix  - - n - 1 verify
flush      unix  n - n 1000? 0 flush
proxymap   unix  - - n - - proxymap
proxywrite unix  - - n - 1 proxymap
showq      unix  n - n - - showq
error      unix  - - n - - error
retry      unix  - - n - - error
discard    unix  - - n - - discard
lmtp       unix  - - n - - lmtp
anvil      unix  - - n - 1 anvil
scache     unix  - - n - 1 scache
postlog    unix-dgram n - n - 1 postlogd
`;
}

const QUEUE_DIRS = [
  'active',
  'bounce',
  'corrupt',
  'defer',
  'deferred',
  'flush',
  'hold',
  'incoming',
  'private',
  'saved',
  'trace',
];

function validateUsers(domain: string, extraDomains: string[], users: MailUser[]): void {
  const domains = [domain, ...extraDomains];
  for (const d of domains) if (!/^[a-z0-9.-]+$/i.test(d)) throw new Error(`invalid mail domain: ${d}`);
  for (const { user, password } of users) {
    const [local, dom, extra] = user.split('@');
    // passwd-file is colon-separated; Postfix LMTP to Dovecot 2.3 has no SMTPUTF8, so keep addresses ASCII.
    if (!local || !dom || !domains.includes(dom) || extra !== undefined || !/^[a-z0-9._-]+$/i.test(local)) {
      throw new Error(`mail user must be an ASCII address in ${domains.join(' or ')}: ${user}`);
    }
    if (/[:\r\n]/.test(password))
      throw new Error(`mail user ${user}: password may not contain ':' or newlines`);
  }
}

async function writeLayout(l: Layout, ids: Ids): Promise<void> {
  const d = l.dir;
  // mkdtemp makes the dir 0700; Postfix's master drops privileges and then can't reach its lock file.
  await fsp.chmod(d, 0o755);
  const spool = `${d}/spool`;
  await fsp.mkdir(`${d}/postfix`);
  await fsp.mkdir(`${d}/state`);
  await fsp.mkdir(spool);
  await fsp.mkdir(`${spool}/pid`);
  await fsp.mkdir(`${d}/pdata`, { mode: 0o700 });
  await fsp.chown(`${d}/pdata`, ids.postfixUid, ids.postfixGid);
  await fsp.mkdir(`${d}/mail`, { mode: 0o700 });
  await fsp.chown(`${d}/mail`, 8, 8);
  // Pre-created as postfix-files says, so nothing has to run post-install on a fresh queue.
  await Promise.all(
    QUEUE_DIRS.map(async (q) => {
      await fsp.mkdir(`${spool}/${q}`, { mode: 0o700 });
      await fsp.chown(`${spool}/${q}`, ids.postfixUid, ids.postfixGid);
    }),
  );
  for (const [q, mode] of [
    ['maildrop', 0o730],
    ['public', 0o710],
  ] as const) {
    await fsp.mkdir(`${spool}/${q}`);
    await fsp.chown(`${spool}/${q}`, ids.postfixUid, ids.postdropGid);
    await fsp.chmod(`${spool}/${q}`, mode);
  }

  const files: [string, string][] = [
    [`${d}/dovecot.conf`, dovecotConf(l)],
    [`${d}/users`, usersFile(l)],
    [`${d}/postfix/main.cf`, postfixMainCf(l)],
    [`${d}/postfix/master.cf`, postfixMasterCf(l)],
    [`${d}/postfix/vmailbox`, l.users.map((u) => `${u.user} OK\n`).join('')],
    [
      `${d}/postfix/sender_bcc`,
      l.fileSentFor ? `${l.fileSentFor} ${l.fileSentFor.replace('@', '+Sent@')}\n` : '',
    ],
  ];
  // Postfix re-reads main.cf in 300 ms steps until it is over a second old (a guard against
  // half-written files); backdating skips ~1.5 s of waiting.
  const past = new Date(Date.now() - 10_000);
  await Promise.all(
    files.map(async ([file, text]) => {
      await fsp.writeFile(file, text, { mode: 0o644 });
      await fsp.utimes(file, past, past);
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Daemons

function logTail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function startDaemon(name: string, cmd: string, args: string[], logFile: string): Daemon {
  // Dovecot keeps fd 2 open for good, so a pipe here would never see EOF: give both daemons a file.
  const fd = fs.openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    // detached = setsid() before exec: the process group exists from the first instant, so a kill
    // during startup can't miss it, and `kill -- -pid` reaches every worker the master forks.
    child = spawn(cmd, args, { stdio: ['ignore', fd, fd], detached: true });
  } finally {
    fs.closeSync(fd);
  }
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name}: spawn ${cmd} failed`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const earlyExit = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) =>
      reject(new Error(`${name} exited during startup (${signal ?? `code ${code}`}):\n${logTail(logFile)}`)),
    );
  });
  earlyExit.catch(() => undefined);
  child.once('error', () => undefined);
  return { child, pgid: pid, exited, earlyExit };
}

/** Reads the server greeting line, or returns why there is none. */
function greeting(port: number): Promise<{ line: string } | { error: string }> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    const done = (result: { line: string } | { error: string }): void => {
      clearTimeout(timer);
      sock.removeAllListeners('data');
      sock.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done({ error: 'no greeting within 2 s' }), 2000);
    sock.setEncoding('latin1');
    sock.on('data', (chunk: string) => {
      buf += chunk;
      const eol = buf.indexOf('\n');
      if (eol >= 0) done({ line: buf.slice(0, eol).trim() });
    });
    sock.once('error', (err) => done({ error: err.message }));
    sock.once('close', () => done({ error: 'closed before greeting' }));
  });
}

/**
 * Waits until the port greets with our token, so a neighbour that grabbed the port (or shares it via
 * SO_REUSEPORT) is not mistaken for our daemon.
 */
async function waitForGreeting(
  port: number,
  token: string,
  daemon: Daemon,
  what: string,
  logFile: string,
): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  const ready = (async () => {
    for (;;) {
      const g = await greeting(port);
      if ('line' in g && g.line.includes(token)) return;
      if (Date.now() > deadline) {
        const seen = 'line' in g ? `greeted ${JSON.stringify(g.line)}` : g.error;
        throw new Error(`${what} did not answer on 127.0.0.1:${port} (${seen}):\n${logTail(logFile)}`);
      }
      await sleep(5);
    }
  })();
  await Promise.race([ready, daemon.earlyExit]);
}

/** Starts a Postfix + Dovecot stack in a fresh temp dir and resolves once IMAP and SMTP both greet. */
export async function startMailStack(opts: MailStackOptions = {}): Promise<MailStack> {
  const avail = mailStackAvailable();
  if (!avail.ok) throw new Error(avail.reason);
  const domain = opts.domain ?? 'newsdesk.test';
  const users = opts.users ?? [{ user: `newsdesk@${domain}`, password: 'newsdesk-pass' }];
  if (users.length === 0) throw new Error('mail stack needs at least one user');
  const extraDomains = opts.extraDomains ?? [];
  validateUsers(domain, extraDomains, users);
  const envFormat = process.env.MS_MAIL_FORMAT;
  const mailFormat = opts.mailFormat ?? (envFormat === 'maildir' ? 'maildir' : 'sdbox');
  const ids = systemIds();
  installExitHook();

  // A port can still be taken between our probe and the daemon's bind(); Dovecot then fails loudly
  // and we retry the whole stack on another pair.
  let lastErr: unknown;
  for (let attempt = 0; attempt < (opts.portBase === undefined ? 4 : 1); attempt++) {
    try {
      return await startOnce(
        domain,
        extraDomains,
        opts.fileSentFor ?? null,
        users,
        mailFormat,
        opts.portBase,
        ids,
      );
    } catch (err) {
      lastErr = err;
      if (!(err instanceof Error && /Address already in use/.test(err.message))) throw err;
    }
  }
  throw lastErr;
}

async function startOnce(
  domain: string,
  extraDomains: string[],
  fileSentFor: string | null,
  users: MailUser[],
  mailFormat: 'sdbox' | 'maildir',
  portBase: number | undefined,
  ids: Ids,
): Promise<MailStack> {
  // Unix socket paths max out at 107 bytes; /tmp keeps <dir>/run/token-login/tokenlogin far below.
  const dir = await fsp.mkdtemp('/tmp/nd-mail-');
  const token = path.basename(dir);
  const state: Live = { dir, daemons: new Set(), watchdog: undefined, locks: [] };
  live.add(state);

  const dovecotConfPath = `${dir}/dovecot.conf`;

  const cleanup = async (): Promise<void> => {
    state.watchdog?.kill('SIGKILL');
    await Promise.all([...state.daemons].map(killDaemon));
    state.daemons.clear();
    for (const lock of state.locks) await fsp.rm(lock, { force: true });
    await fsp.rm(dir, { recursive: true, force: true });
    live.delete(state);
  };

  try {
    const ports = await reservePorts(portBase);
    state.locks = ports.locks;
    const layout: Layout = {
      dir,
      token,
      domain,
      extraDomains,
      fileSentFor,
      users,
      imapPort: ports.imap,
      smtpPort: ports.smtp,
      mailFormat,
    };
    await writeLayout(layout, ids);
    state.watchdog = startWatchdog(dir, ports.locks);

    const launchDovecot = async (): Promise<Daemon> => {
      // -F keeps the master as our child, so we know its pid and reap it ourselves: a dead master
      // orphaned to PID 1 lingers as a zombie that still passes `kill -0`.
      const d = startDaemon('dovecot', BIN.dovecot, ['-F', '-c', dovecotConfPath], `${dir}/dovecot.log`);
      state.daemons.add(d);
      await waitForGreeting(layout.imapPort, token, d, 'dovecot', `${dir}/dovecot.log`);
      return d;
    };
    const launchPostfix = async (): Promise<Daemon> => {
      // The master itself instead of `postfix start`: no shell script, no postconf calls, no
      // quick-start file, and the master stays our child. -s keeps stdout on our log file.
      const p = startDaemon(
        'postfix',
        BIN.postfixMaster,
        ['-c', `${dir}/postfix`, '-s'],
        `${dir}/postfix.log`,
      );
      state.daemons.add(p);
      await waitForGreeting(layout.smtpPort, token, p, 'postfix', `${dir}/postfix.log`);
      return p;
    };

    let [dovecotDaemon] = (await Promise.all([launchDovecot(), launchPostfix()])) as [
      Daemon | undefined,
      Daemon,
    ];
    // Postfix binds with SO_REUSEPORT, so a neighbour that took the same port after our probe would
    // silently share it; a second listener in the kernel's table is the only trace.
    if (listenerCount(layout.smtpPort) > 1) {
      throw new Error(
        `Address already in use: another SO_REUSEPORT listener shares 127.0.0.1:${layout.smtpPort}`,
      );
    }

    const passwordOf = (user: string): string => {
      const u = users.find((x) => x.user === user);
      if (!u) throw new Error(`unknown mail user ${user}`);
      return u.password;
    };

    const doveadm = (args: string[]): Promise<string> => run(BIN.doveadm, ['-c', dovecotConfPath, ...args]);

    let stopped = false;
    const stack: MailStack = {
      dir,
      domain,
      imapPort: layout.imapPort,
      smtpPort: layout.smtpPort,
      host: '127.0.0.1',
      users,
      imapUrl(user = users[0]!.user) {
        const pass = passwordOf(user);
        return `imap://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@127.0.0.1:${layout.imapPort}`;
      },
      smtpUrl() {
        return `smtp://127.0.0.1:${layout.smtpPort}`;
      },
      async stopDovecot() {
        if (!dovecotDaemon) return;
        const d = dovecotDaemon;
        dovecotDaemon = undefined;
        await killDaemon(d);
        state.daemons.delete(d);
        // The master checks this file on start; remove it so a reused pid can't look like a live instance.
        await fsp.rm(`${dir}/run/master.pid`, { force: true });
      },
      async startDovecot({ flush = true } = {}) {
        if (stopped) throw new Error('mail stack already stopped');
        if (dovecotDaemon) return;
        dovecotDaemon = await launchDovecot();
        if (flush) await run(BIN.postqueue, ['-c', `${dir}/postfix`, '-f']);
      },
      doveadm,
      async waitForDelivery(user, count, timeoutMs = 10_000) {
        passwordOf(user);
        const deadline = Date.now() + timeoutMs;
        let last = '';
        for (;;) {
          try {
            // Works on the storage directly, but needs Dovecot's auth socket for the userdb lookup.
            const out = await doveadm(['mailbox', 'status', '-u', user, 'messages', 'INBOX']);
            const n = Number(/messages=(\d+)/.exec(out)?.[1] ?? NaN);
            if (n >= count) return;
            last = `INBOX has ${n} message(s)`;
          } catch (err) {
            last = (err as Error).message;
          }
          if (Date.now() > deadline) {
            throw new Error(
              `waitForDelivery(${user}, ${count}) timed out after ${timeoutMs} ms: ${last}\n` +
                `postfix.log:\n${logTail(`${dir}/postfix.log`, 10)}`,
            );
          }
          await sleep(20);
        }
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await cleanup();
      },
    };
    return stack;
  } catch (err) {
    await cleanup().catch(() => undefined);
    throw err;
  }
}

/**
 * Vitest stops fork workers with SIGTERM, which skips 'exit' handlers. This detached shell holds the
 * read end of a pipe from us; when we die in any way it reads EOF and kills whatever masters the pid
 * files name. stop() kills it first.
 */
function startWatchdog(dir: string, locks: string[]): ChildProcess {
  const script = `read _ignored
for f in "$1/run/master.pid" "$1/spool/pid/master.pid"; do
  [ -f "$f" ] && for p in $(cat "$f"); do kill -KILL -- "-$p" 2>/dev/null; done
done
rm -rf -- "$@"`;
  // bash, not sh: dash's kill builtin can't signal a process group (no `--`, no negative pid).
  const child = spawn('/bin/bash', ['-c', script, 'mailstack-watchdog', dir, ...locks], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  child.unref();
  (child.stdin as unknown as net.Socket | null)?.unref();
  child.on('error', () => undefined);
  child.stdin?.on('error', () => undefined);
  return child;
}
