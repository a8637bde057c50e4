import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../server/commands/users.ts';
import { compareOrderKeys, orderKeyOf } from '../../server/domain/thread-order.ts';
import type { ThreadSummary } from '../../server/schemas/api.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

const HOUR = 3_600_000;

function mail(n: number, opts: { from?: string; subject?: string; body?: string; date: Date }): string {
  return [
    `From: ${opts.from ?? `Reporter ${n} <r${n}@paper.test>`}`,
    'To: newsdesk@newsdesk.test',
    `Subject: ${opts.subject ?? `Enquiry number ${n}`}`,
    `Message-ID: <list-${n}@paper.test>`,
    `Date: ${opts.date.toUTCString()}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    opts.body ?? 'Could you tell me about the plans for the new school?',
    '',
  ].join('\r\n');
}

describe('thread list filters, order and counts', () => {
  let t: TestApp;
  let cookie: string;
  let omarCookie: string;
  let omarId: number;
  const ids: number[] = [];
  const now = Date.now();
  let englishRelease: number;
  let arabicRelease: number;

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: object, as = cookie) =>
    t.app.inject({ method, url, headers: { cookie: as }, ...(payload ? { payload } : {}) });
  const list = async (query: string, as = cookie): Promise<ThreadSummary[]> => {
    const response = await api('GET', `/api/threads?limit=200${query}`, undefined, as);
    expect(response.statusCode, query).toBe(200);
    return response.json().threads;
  };
  const listIds = async (query: string) => (await list(query)).map((x) => x.id).sort((a, b) => a - b);

  beforeAll(async () => {
    t = await startTestApp({ listen: false });
    cookie = await t.login();
    omarId = (
      await addUser(
        t.db,
        { email: 'omar@newsdesk.test', name: 'Omar', password: 'omar password' },
        new Date(),
      )
    ).id;
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: 'omar@newsdesk.test', password: 'omar password' },
    });
    omarCookie = `newsdesk_session=${login.cookies.find((c) => c.name === 'newsdesk_session')!.value}`;
    // Twelve threads, one an hour apart; thread i last active at now − (12 − i) hours.
    for (let i = 0; i < 12; i++) {
      await t.ingestRaw(
        mail(i, {
          date: new Date(now - (12 - i) * HOUR),
          ...(i === 3 ? { body: 'هل يمكنكم التعليق على خطة المدارس الجديدة في الكويت؟' } : {}),
        }),
      );
    }
    ids.push(
      ...(
        t.db.$client.prepare('select id from threads order by first_message_at').all() as { id: number }[]
      ).map((r) => r.id),
    );
    englishRelease = (
      await api('POST', '/api/releases', {
        url: 'https://gov.test/schools',
        title: 'New schools',
        language: 'en',
        published_at: '2026-11-01T09:00:00Z',
        body: 'Schools.',
      })
    ).json().id;
    arabicRelease = (
      await api('POST', '/api/releases', {
        url: 'https://gov.test/ar/schools',
        title: 'مدارس جديدة',
        language: 'ar',
        published_at: '2026-11-01T09:00:00Z',
        body: 'مدارس',
        translation_of: 'https://gov.test/schools',
      })
    ).json().id;
    await api('PUT', `/api/threads/${ids[0]}/release`, { releaseId: englishRelease });
    await api('PUT', `/api/threads/${ids[1]}/release`, { releaseId: arabicRelease });
    await api('PATCH', `/api/threads/${ids[2]}`, {
      assigneeId: omarId,
      status: 'waiting',
      tags: ['schools'],
    });
    await api('PATCH', `/api/threads/${ids[4]}`, { status: 'closed', tags: ['schools', 'tv'] });
    await api('PATCH', `/api/threads/${ids[5]}`, { status: 'answered' });
    // Deadlines: one overdue, two later today or tomorrow, one on a closed thread (does not sort first).
    await api('PUT', `/api/threads/${ids[6]}/deadline`, { deadline: new Date(now - 2 * HOUR).toISOString() });
    await api('PUT', `/api/threads/${ids[7]}/deadline`, {
      deadline: new Date(now + 30 * HOUR).toISOString(),
    });
    await api('PUT', `/api/threads/${ids[8]}/deadline`, {
      deadline: new Date(now + 5 * 60_000).toISOString(),
    });
    await api('PUT', `/api/threads/${ids[4]}/deadline`, { deadline: new Date(now - 3 * HOUR).toISOString() });
  });
  afterAll(async () => t.close());

  it('puts active deadlines first, soonest first, then the newest activity, and pages without gaps', async () => {
    const all = await list('');
    expect(all.slice(0, 3).map((x) => x.id)).toEqual([ids[6], ids[8], ids[7]]);
    const rest = all.slice(3);
    for (let i = 1; i < rest.length; i++)
      expect(Date.parse(rest[i - 1]!.lastActivityAt)).toBeGreaterThanOrEqual(
        Date.parse(rest[i]!.lastActivityAt),
      );
    // The server's order is the shared comparator's order.
    const sorted = [...all].sort((a, b) =>
      compareOrderKeys(
        orderKeyOf({
          id: a.id,
          status: a.status,
          deadline: a.deadline ? Date.parse(a.deadline) : null,
          lastActivityAt: Date.parse(a.lastActivityAt),
        }),
        orderKeyOf({
          id: b.id,
          status: b.status,
          deadline: b.deadline ? Date.parse(b.deadline) : null,
          lastActivityAt: Date.parse(b.lastActivityAt),
        }),
      ),
    );
    expect(sorted.map((x) => x.id)).toEqual(all.map((x) => x.id));

    for (const limit of [1, 2, 5]) {
      const paged: number[] = [];
      let cursor: string | null = null;
      do {
        const response = await api('GET', `/api/threads?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        const page = response.json() as { threads: ThreadSummary[]; nextCursor: string | null };
        paged.push(...page.threads.map((x) => x.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(paged, `limit ${limit}`).toEqual(all.map((x) => x.id));
    }
  });

  it('pages a filtered list with the same cursor rules', async () => {
    const full = (await list('&status=new,open')).map((x) => x.id);
    const first = (await api('GET', '/api/threads?status=new,open&limit=4')).json();
    const second = (
      await api('GET', `/api/threads?status=new,open&limit=100&cursor=${first.nextCursor}`)
    ).json();
    expect([...first.threads, ...second.threads].map((x: ThreadSummary) => x.id)).toEqual(full);
    expect(second.nextCursor).toBeNull();
  });

  it('filters by view, status, release family, tag, deadline and language', async () => {
    expect(await listIds('&view=mine')).toEqual([]);
    expect((await list('&view=mine', omarCookie)).map((x) => x.id)).toEqual([ids[2]]);
    expect(await listIds('&view=unassigned')).toEqual(ids.filter((id) => id !== ids[2]));
    expect(await listIds('&view=unlinked')).toEqual(ids.filter((id) => id !== ids[0] && id !== ids[1]));
    expect(await listIds('&view=all')).toEqual(ids);
    expect(await listIds('&status=closed,answered')).toEqual([ids[4], ids[5]]);
    expect(await listIds('&status=waiting')).toEqual([ids[2]]);
    // Either language version selects the whole statement's enquiries.
    expect(await listIds(`&releaseId=${englishRelease}`)).toEqual([ids[0], ids[1]]);
    expect(await listIds(`&releaseId=${arabicRelease}`)).toEqual([ids[0], ids[1]]);
    expect(await listIds('&releaseId=9999')).toEqual([]);
    expect(await listIds('&tag=schools')).toEqual([ids[2], ids[4]]);
    expect(await listIds('&tag=tv')).toEqual([ids[4]]);
    // Closed threads are never overdue.
    expect(await listIds('&deadline=overdue')).toEqual([ids[6]]);
    // Due by the end of today: the overdue one, and (unless the test runs in the last minutes of the
    // office's day) the one due in five minutes; never the one due tomorrow or the closed one.
    const today = await listIds('&deadline=today');
    expect(today).toContain(ids[6]);
    expect(today).not.toContain(ids[7]);
    expect(today).not.toContain(ids[4]);
    expect(await listIds('&language=ar')).toEqual([ids[3]]);
    expect((await listIds('&language=en')).length).toBe(11);
    expect(await listIds('&view=unlinked&status=waiting&tag=schools')).toEqual([ids[2]]);
  });

  it('refuses unknown filter values and foreign cursors', async () => {
    for (const query of [
      'view=everything',
      'status=open,lost',
      'deadline=soon',
      'releaseId=x',
      'cursor=not%20a%20cursor',
      'cursor=Zm9v',
    ]) {
      expect((await api('GET', `/api/threads?${query}`)).statusCode, query).toBe(400);
    }
  });

  it('never lists merged threads', async () => {
    await api('POST', `/api/threads/${ids[11]}/merge`, { intoThreadId: ids[10] });
    expect(await listIds('')).not.toContain(ids[11]);
    ids.pop();
  });

  it('counts views, statuses, release families, unlinked, overdue and unread for the sidebar', async () => {
    const counts = (await api('GET', '/api/threads/counts')).json();
    // 11 live threads; 2 of them (closed, answered) are not active.
    expect(counts.statuses).toEqual({ new: 8, open: 0, waiting: 1, answered: 1, closed: 1 });
    expect(counts.views).toEqual({ all: 9, mine: 0, unassigned: 8, unlinked: 7 });
    expect(counts.unlinked).toBe(7);
    expect(counts.overdue).toBe(1);
    expect([1, 2]).toContain(counts.dueToday);
    expect(counts.releases).toEqual([{ familyId: englishRelease, total: 2, open: 2 }]);
    expect(counts.unread).toBe(9);
    const omars = (await api('GET', '/api/threads/counts', undefined, omarCookie)).json();
    expect(omars.views.mine).toBe(1);
    await api('POST', `/api/threads/${ids[0]}/read`);
    expect((await api('GET', '/api/threads/counts')).json().unread).toBe(8);
    expect((await api('GET', '/api/threads/counts', undefined, omarCookie)).json().unread).toBe(9);
  });
});
