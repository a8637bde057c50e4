/**
 * Roles and approvers: admins change them over HTTP (PATCH /api/users/:id), anyone can run the CLI
 * against the database (`newsdesk user add … --approver`, `newsdesk user set …`); the last admin stays.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, openMigratedDb } from '../../db/client.ts';
import { addUser } from '../../server/commands/users.ts';
import { startTestApp, tempDbPath, type TestApp } from '../support/app.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

describe('PATCH /api/users/:id', () => {
  let t: TestApp;
  let admin: string;
  let staff: string;
  let zoeId: number;
  let adminId: number;

  async function signIn(email: string, password: string): Promise<string> {
    const res = await t.app.inject({ method: 'POST', url: '/api/session', payload: { email, password } });
    expect(res.statusCode).toBe(200);
    return String(res.headers['set-cookie']).split(';')[0]!;
  }
  const patch = (id: number, payload: object, cookie: string) =>
    t.app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: { cookie }, payload });
  const eventCount = () => (t.db.$client.prepare('select count(*) n from events').get() as { n: number }).n;

  beforeAll(async () => {
    t = await startTestApp({ listen: false });
    admin = await t.login();
    zoeId = (
      await addUser(t.db, { email: 'zoe@newsdesk.test', name: 'Zoe', password: 'zoe password' }, new Date())
    ).id;
    staff = await signIn('zoe@newsdesk.test', 'zoe password');
    adminId = (await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: admin } })).json().id;
  });
  afterAll(async () => t.close());

  it('lists every officer with role and approver flag', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/users', headers: { cookie: staff } });
    expect(res.json().users).toEqual([
      { id: adminId, name: 'Admin', email: 'admin@newsdesk.test', role: 'admin', canApprove: false },
      { id: zoeId, name: 'Zoe', email: 'zoe@newsdesk.test', role: 'staff', canApprove: false },
    ]);
  });

  it('needs a session, and an admin', async () => {
    expect((await patch(zoeId, { canApprove: true }, '')).statusCode).toBe(401);
    const denied = await patch(zoeId, { canApprove: true }, staff);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('forbidden');
    expect((await patch(adminId, { role: 'staff' }, staff)).statusCode).toBe(403);
  });

  it('lets an admin make an approver, without an event; the approver may then approve', async () => {
    const before = eventCount();
    const res = await patch(zoeId, { canApprove: true }, admin);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id: zoeId,
      name: 'Zoe',
      email: 'zoe@newsdesk.test',
      role: 'staff',
      canApprove: true,
    });
    expect(eventCount()).toBe(before);
    const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: staff } });
    expect(me.json().canApprove).toBe(true);
  });

  it('refuses bad bodies and unknown users', async () => {
    expect((await patch(zoeId, {}, admin)).statusCode).toBe(400);
    expect((await patch(zoeId, { role: 'owner' }, admin)).statusCode).toBe(400);
    expect((await patch(zoeId, { canApprove: 'yes' }, admin)).statusCode).toBe(400);
    const missing = await patch(9999, { canApprove: true }, admin);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
  });

  it('never demotes the last admin; with a second admin, demotion takes effect at once', async () => {
    const last = await patch(adminId, { role: 'staff' }, admin);
    expect(last.statusCode).toBe(409);
    expect(last.json().error.code).toBe('last_admin');
    expect((await patch(zoeId, { role: 'admin' }, admin)).json().role).toBe('admin');
    // Zoe, now admin, demotes the first admin; that session loses its rights on its next request.
    expect((await patch(adminId, { role: 'staff' }, staff)).json()).toMatchObject({ role: 'staff' });
    expect((await patch(zoeId, { canApprove: false }, admin)).statusCode).toBe(403);
    const lastAgain = await patch(zoeId, { role: 'staff' }, staff);
    expect(lastAgain.statusCode).toBe(409);
  });
});

describe('newsdesk user add / user set', () => {
  const { path: db } = tempDbPath();
  const cli = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', ...args, '--db', db], {
      cwd: root,
      env: { ...process.env, NEWSDESK_USER_PASSWORD: 'a long passphrase', ...env },
    });
  const fails = async (args: string[]) => {
    const err = (await cli(args).then(
      () => null,
      (e: unknown) => e,
    )) as { code: number; stderr: string } | null;
    expect(err, args.join(' ')).not.toBeNull();
    return { code: err!.code, lines: err!.stderr.trim().split('\n') };
  };
  const account = (email: string) => {
    const handle = openMigratedDb(db);
    try {
      return handle.$client.prepare('select role, can_approve from users where email = ?').get(email);
    } finally {
      closeDb(handle);
    }
  };

  it('adds an approver and changes roles and approval, with one-line errors', async () => {
    expect((await cli(['user', 'add', '--email', 'boss@newsdesk.test', '--admin'])).stderr).toBe(
      'added admin boss@newsdesk.test\n',
    );
    expect(
      (await cli(['user', 'add', '--email', 'amal@newsdesk.test', '--name', 'Amal', '--approver'])).stderr,
    ).toBe('added staff amal@newsdesk.test (approver)\n');
    expect(account('amal@newsdesk.test')).toEqual({ role: 'staff', can_approve: 1 });

    expect(
      (await cli(['user', 'set', '--email', 'Amal@Newsdesk.test', '--no-approver', '--admin'])).stderr,
    ).toBe('amal@newsdesk.test: admin, not an approver\n');
    expect(account('amal@newsdesk.test')).toEqual({ role: 'admin', can_approve: 0 });
    expect((await cli(['user', 'set', '--email', 'boss@newsdesk.test', '--staff'])).stderr).toBe(
      'boss@newsdesk.test: staff, not an approver\n',
    );

    for (const [args, message, code] of [
      [['user', 'set', '--email', 'amal@newsdesk.test', '--staff'], /only admin/, 1],
      [
        ['user', 'set', '--email', 'nobody@newsdesk.test', '--approver'],
        /no user with email nobody@newsdesk\.test/,
        1,
      ],
      [
        ['user', 'set', '--email', 'amal@newsdesk.test'],
        /needs --admin, --staff, --approver or --no-approver/,
        2,
      ],
      [['user', 'set', '--email', 'amal@newsdesk.test', '--admin', '--staff'], /contradict/, 2],
      [['user', 'set', '--approver'], /needs --email/, 2],
      [['user', 'remove', '--email', 'amal@newsdesk.test'], /usage: newsdesk user add\|set/, 2],
    ] as const) {
      const failure = await fails([...args]);
      expect(failure.lines, args.join(' ')).toHaveLength(1);
      expect(failure.lines[0]).toMatch(message);
      expect(failure.code).toBe(code);
    }
    expect(account('amal@newsdesk.test')).toEqual({ role: 'admin', can_approve: 0 });
  }, 60_000);
});
