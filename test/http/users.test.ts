import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../server/commands/users.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

describe('staff list and own preferences', () => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await startTestApp({ listen: false });
    cookie = await t.login();
    await addUser(t.db, { email: 'zoe@newsdesk.test', name: 'Zoe', password: 'zoe password' }, new Date());
    await addUser(
      t.db,
      { email: 'ahmad@newsdesk.test', name: 'Ahmad', password: 'ahmad password' },
      new Date(),
    );
  });
  afterAll(async () => t.close());
  const api = (
    method: 'GET' | 'PATCH',
    url: string,
    payload?: object,
    headers: Record<string, string> = { cookie },
  ) => t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

  it('needs a session', async () => {
    for (const [method, url] of [
      ['GET', '/api/users'],
      ['GET', '/api/me'],
      ['PATCH', '/api/me'],
    ] as const)
      expect((await api(method, url, { language: 'ar' }, {})).statusCode, url).toBe(401);
  });

  it('lists staff by name without password hashes', async () => {
    const users = (await api('GET', '/api/users')).json().users;
    expect(users.map((u: { name: string }) => u.name)).toEqual(['Admin', 'Ahmad', 'Zoe']);
    for (const u of users)
      expect(Object.keys(u).sort()).toEqual(['canApprove', 'email', 'id', 'name', 'role']);
  });

  it('reads and changes my language and signature', async () => {
    expect((await api('GET', '/api/me')).json()).toMatchObject({
      email: 'admin@newsdesk.test',
      language: 'en',
      signature: '',
      canApprove: false,
    });
    const changed = await api('PATCH', '/api/me', {
      language: 'ar',
      signature: 'Press office\r\nMinistry\r\n\r\n',
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ language: 'ar', signature: 'Press office\nMinistry' });
    expect((await api('GET', '/api/me')).json().language).toBe('ar');
    expect((await api('PATCH', '/api/me', { language: 'fr' })).statusCode).toBe(400);
    expect((await api('PATCH', '/api/me', {})).statusCode).toBe(400);
    expect((await api('PATCH', '/api/me', { signature: 'x'.repeat(5001) })).statusCode).toBe(400);
  });
});
