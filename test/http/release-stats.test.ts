import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { median } from '../../server/presenters/release-stats.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

function mail(n: number, body: string): string {
  return [
    `From: Reporter ${n} <r${n}@paper.test>`,
    'To: newsdesk@newsdesk.test',
    `Subject: Question ${n}`,
    `Message-ID: <stats-${n}@paper.test>`,
    'Date: Mon, 16 Nov 2026 10:00:00 +0000',
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    '',
  ].join('\r\n');
}

describe('release stats', () => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await startTestApp({ listen: false });
    cookie = await t.login();
  });
  afterAll(async () => t.close());
  const api = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });

  it('takes the middle value', () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([1, 2, 3, 10])).toBe(2.5);
  });

  it('needs a session', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/releases/stats' })).statusCode).toBe(401);
  });

  it('gives each statement its enquiries, open count, languages and median first response', async () => {
    const en = (
      await api('POST', '/api/releases', {
        url: 'https://gov.test/port',
        title: 'Port',
        language: 'en',
        published_at: '2026-11-01T09:00:00Z',
        body: 'Port.',
      })
    ).json().id;
    const ar = (
      await api('POST', '/api/releases', {
        url: 'https://gov.test/ar/port',
        title: 'الميناء',
        language: 'ar',
        published_at: '2026-11-01T09:00:00Z',
        body: 'الميناء',
        translation_of: 'https://gov.test/port',
      })
    ).json().id;
    await t.ingestRaw(mail(1, 'Could you comment on the port and the ships?'));
    await t.ingestRaw(mail(2, 'هل يمكنكم التعليق على الميناء الجديد؟'));
    await t.ingestRaw(mail(3, 'What is the timetable for the port works, please?'));
    const ids = (t.db.$client.prepare('select id from threads order by id').all() as { id: number }[]).map(
      (r) => r.id,
    );
    await api('PUT', `/api/threads/${ids[0]}/release`, { releaseId: en });
    await api('PUT', `/api/threads/${ids[1]}/release`, { releaseId: ar });
    await api('PUT', `/api/threads/${ids[2]}/release`, { releaseId: en });
    await api('PATCH', `/api/threads/${ids[2]}`, { status: 'closed' });
    // First replies 30 and 90 minutes after the enquiries (as the reply sender records them).
    const at = Date.parse('2026-11-16T10:00:00Z');
    t.db.$client
      .prepare('update threads set first_response_at = ? where id = ?')
      .run(at + 30 * 60_000, ids[0]);
    t.db.$client
      .prepare('update threads set first_response_at = ? where id = ?')
      .run(at + 90 * 60_000, ids[1]);

    const response = await api('GET', '/api/releases/stats');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      releases: [
        {
          familyId: en,
          total: 3,
          open: 2,
          languages: [
            { language: 'en', count: 2 },
            { language: 'ar', count: 1 },
          ],
          medianFirstResponseMinutes: 60,
          answered: 2,
        },
      ],
    });
  });
});
