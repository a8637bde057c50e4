import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';

describe('sign-in throttling', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ listen: false });
  });
  afterAll(async () => t.close());

  it('refuses further attempts for an address after ten wrong passwords, with Retry-After', async () => {
    const attempt = (password: string) =>
      t.app.inject({ method: 'POST', url: '/api/session', payload: { email: t.admin.email, password } });
    for (let i = 0; i < 10; i++) expect((await attempt('wrong password')).statusCode).toBe(401);
    const blocked = await attempt(t.admin.password);
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.json().error.code).toBe('too_many_attempts');
  });
});
