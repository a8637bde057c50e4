// The release index in the running server with a catalogue too large to rebuild in place: built in a
// worker before mail sync starts, rebuilt in a worker after a release is added (HTTP answering all the
// while), and the new release linked once its index is installed.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedDb, closeDb } from '../../db/client.ts';
import { releases, threads } from '../../db/schema.ts';
import { SYNC_BUILD_LIMIT, installedReleaseIndex } from '../../server/releases/catalogue.ts';
import { startTestApp, tempDbPath, type TestApp } from '../support/app.ts';
import { pollUntil } from '../support/poll-until.ts';

describe('release index of a large catalogue in the server', () => {
  const temp = tempDbPath();
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    const db = openMigratedDb(temp.path);
    const now = new Date('2026-03-01T00:00:00Z');
    db.transaction((tx) => {
      for (let i = 0; i < SYNC_BUILD_LIMIT + 50; i++)
        tx.insert(releases)
          .values({
            url: `https://example.gov/news/fair-${i}`,
            title: `Trade delegation attends fair number ${i}`,
            language: 'en',
            publishedAt: new Date(Date.UTC(2025, 0, 1) + i * 3_600_000),
            body: `A delegation of ${i + 3} companies attended trade fair ${i}.`,
            createdAt: now,
            updatedAt: now,
          })
          .run();
    });
    closeDb(db);
    t = await startTestApp({ listen: false, dbPath: temp.path });
    cookie = await t.login();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    rmSync(temp.dir, { recursive: true, force: true });
  });

  it('is ready when the server is, and catches up with a new release in the background', async () => {
    expect(installedReleaseIndex(t.db)?.fresh).toBe(true);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/releases',
      headers: { cookie },
      payload: {
        url: 'https://example.gov/news/harbour-at-port-elin-reopens',
        title: 'Harbour at Port Elin reopens',
        language: 'en',
        published_at: '2026-03-14T09:30:00Z',
        body: 'The storm-damaged harbour at Port Elin reopens after repairs costing £12 million.',
      },
    });
    expect(created.statusCode).toBe(201);
    const releaseId = created.json().id as number;
    // Not rebuilt in place: the installed index is stale until the worker's build arrives.
    expect(installedReleaseIndex(t.db)?.fresh).toBe(false);
    // While the worker builds, requests are answered.
    const health = await t.app.inject({ url: '/api/health' });
    expect(health.statusCode).toBe(200);
    await pollUntil(() => installedReleaseIndex(t.db)?.fresh, {
      timeoutMs: 60_000,
      what: 'the rebuilt release index',
    });
    await t.ingestRaw(
      [
        'From: Ann <ann@paper.test>',
        'To: newsdesk@newsdesk.test',
        'Subject: Port Elin harbour',
        'Message-ID: <port-elin-1@paper.test>',
        'Date: Sun, 15 Mar 2026 10:00:00 +0000',
        '',
        'Now that the harbour at Port Elin reopens, what did the £12 million of repairs cover?',
        '',
      ].join('\r\n'),
    );
    const thread = t.db.select({ releaseId: threads.releaseId }).from(threads).all();
    expect(thread.map((r) => r.releaseId)).toContain(releaseId);
  }, 120_000);
});
