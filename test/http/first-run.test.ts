import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../server/commands/users.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

describe('first run with no staff account', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ listen: false, env: { NEWSDESK_ADMIN_EMAIL: '', NEWSDESK_ADMIN_PASSWORD: '' } });
  });
  afterAll(async () => t.close());

  it('tells the sign-in page that an admin must be created, until one exists', async () => {
    expect((await t.app.inject({ url: '/api/health' })).json()).toMatchObject({
      needsAdmin: true,
      mailConfigured: false,
    });
    await addUser(
      t.db,
      { email: 'Chief@Example.org', password: 'long enough pass', role: 'admin' },
      new Date(),
    );
    expect((await t.app.inject({ url: '/api/health' })).json()).toMatchObject({ needsAdmin: false });
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: 'chief@example.org', password: 'long enough pass' },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json().user).toMatchObject({ email: 'chief@example.org', role: 'admin' });
  });

  it('signing out without a session still answers 204 and clears the cookie', async () => {
    const response = await t.app.inject({ method: 'DELETE', url: '/api/session' });
    expect(response.statusCode).toBe(204);
    expect(String(response.headers['set-cookie'])).toMatch(/newsdesk_session=;/);
  });
});
