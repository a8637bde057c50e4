import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corporaDir } from '../support/corpus-mail.ts';
import { startTestApp, tempDbPath, type TestApp } from '../support/app.ts';
import { closeDb, openDb } from '../../db/client.ts';
import { releases } from '../../db/schema.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const catalogueFile = join(corporaDir(), 'matching/releases.json');
const seedFile = join(corporaDir(), '../seeds/000_6f9cdc285af6822d.txt');
const sharedPresent = existsSync(catalogueFile) && existsSync(seedFile);
if (!sharedPresent)
  console.warn(
    `[corpus] release catalogue or seed not found under ${corporaDir()}; skipping catalogue import tests`,
  );

const release = (over: Record<string, unknown> = {}) => ({
  url: 'https://example.gov/news/harbour',
  title: 'Harbour reopens',
  language: 'en',
  published_at: '2026-03-14T09:30:00Z',
  body: 'The harbour at Port Elin reopens.',
  ...over,
});

function enquiry(id: string, subject: string): string {
  return [
    `From: Ann <ann@paper.test>`,
    'To: newsdesk@newsdesk.test',
    `Subject: ${subject}`,
    `Message-ID: <${id}>`,
    'Date: Mon, 16 Mar 2026 10:00:00 +0000',
    '',
    'A question.',
    '',
  ].join('\r\n');
}

describe('releases API', () => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await startTestApp({ listen: false });
    cookie = await t.login();
  });
  afterAll(async () => t.close());

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: { cookie },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  it('needs a session', async () => {
    expect((await t.app.inject({ url: '/api/releases' })).statusCode).toBe(401);
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/releases', payload: release() })).statusCode,
    ).toBe(401);
  });

  it('creates, refuses a duplicate url, edits and lists releases with their translations', async () => {
    const created = await api('POST', '/api/releases', release());
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect((await api('POST', '/api/releases', release())).statusCode).toBe(409);
    expect((await api('POST', '/api/releases', release({ url: 'ftp://x' }))).json().error.code).toBe(
      'invalid_release',
    );

    // The translation arrives second here; the reverse order is covered by the catalogue import.
    const arabic = await api(
      'POST',
      '/api/releases',
      release({
        url: 'https://example.gov/news/harbour.ar',
        title: 'إعادة فتح الميناء',
        language: 'ar',
        translation_of: 'https://example.gov/news/harbour',
      }),
    );
    expect(arabic.json()).toMatchObject({ familyId: id, translations: [{ id, language: 'en' }] });

    const patched = await api('PATCH', `/api/releases/${id}`, {
      title: '  Harbour at Port Elin reopens ',
      language: ' EN ',
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ title: 'Harbour at Port Elin reopens', language: 'en' });
    expect(
      (
        await api(
          'POST',
          '/api/releases',
          release({ url: 'https://example.gov/x', translation_of: 'https://example.gov/x' }),
        )
      ).statusCode,
    ).toBe(400);
    expect((await api('PATCH', `/api/releases/${id}`, { published_at: 'soon' })).statusCode).toBe(400);

    const list = (await api('GET', '/api/releases')).json().releases;
    expect(list.map((r: { title: string }) => r.title).sort()).toEqual([
      'Harbour at Port Elin reopens',
      'إعادة فتح الميناء',
    ]);
    expect((await api('GET', `/api/releases/${id}`)).json().body).toBe('The harbour at Port Elin reopens.');
  });

  it('lets staff link a thread, counts it on every language version, and deleting the release unlinks it', async () => {
    await t.ingestRaw(enquiry('q1@paper.test', 'Harbour question'));
    const threadId = (await api('GET', '/api/threads')).json().threads[0].id;
    const arabicId = (await api('GET', '/api/releases'))
      .json()
      .releases.find((r: { language: string }) => r.language === 'ar').id;

    const linked = await api('PUT', `/api/threads/${threadId}/release`, { releaseId: arabicId });
    expect(linked.statusCode).toBe(200);
    expect(linked.json()).toMatchObject({
      release: { id: arabicId },
      match: { confidence: 1, reason: 'linked by Admin' },
    });

    const counts = (await api('GET', '/api/releases'))
      .json()
      .releases.map((r: { enquiries: unknown }) => r.enquiries);
    expect(counts).toEqual([
      { open: 1, total: 1 },
      { open: 1, total: 1 },
    ]);
    const englishId = (await api('GET', '/api/releases'))
      .json()
      .releases.find((r: { language: string }) => r.language === 'en').id;
    const viaFamily = (await api('GET', `/api/releases/${englishId}/threads`)).json();
    expect(viaFamily.threads.map((x: { id: number }) => x.id)).toEqual([threadId]);

    const exported = await t.app.inject({ url: `/api/threads/${threadId}`, headers: { cookie } });
    expect(exported.json().thread.release.title).toBe('إعادة فتح الميناء');

    expect((await api('DELETE', `/api/releases/${arabicId}`)).statusCode).toBe(204);
    expect((await api('GET', `/api/threads/${threadId}`)).json().thread).toMatchObject({
      release: null,
      match: null,
    });
    expect((await api('PUT', `/api/threads/${threadId}/release`, { releaseId: 999 })).statusCode).toBe(404);
  });
});

describe.skipIf(!sharedPresent)('newsdesk releases import of the catalogue and the seed', () => {
  const { path: db } = tempDbPath();
  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', ...args, '--db', db], { cwd: root });
  let t: TestApp;
  afterAll(async () => t?.close());

  it('imports the seed first (as plain text) and the catalogue second, losing nothing', async () => {
    const seedUrl =
      'https://www.gov.uk/government/news/small-group-of-the-global-coalition-to-counter-daesh-meeting-in-brussels.ar';
    const seed = await cli('releases', 'import', seedFile, '--url', seedUrl);
    expect(seed.stderr).toMatch(/1 created/);
    // Nothing of the seed is lost: its headline and body together are the file's text, Arabic byte for byte.
    const seedText = readFileSync(seedFile, 'utf8').replace(/\r\n?/g, '\n');
    const stored = openDb(db);
    const row = stored.select().from(releases).get()!;
    closeDb(stored);
    expect(row).toMatchObject({ language: 'ar', translationOfUrl: seedUrl.replace(/\.ar$/, '') });
    expect(row.publishedAt.toISOString()).toBe('2015-11-05T00:00:00.000Z');
    expect(seedText.trim()).toBe(`بيان صحفي\n\n${row.title}\n\n${row.body}`);
    const catalogue = JSON.parse(readFileSync(catalogueFile, 'utf8')) as {
      url: string;
      title: string;
      body: string;
      translation_of?: string;
    }[];
    const imported = await cli('releases', 'import', catalogueFile);
    expect(imported.stderr).toMatch(
      new RegExp(
        `json: ${catalogue.length} releases read; ${catalogue.length - 1} created, 1 updated, 0 unchanged`,
      ),
    );
    expect((await cli('releases', 'import', catalogueFile)).stderr).toMatch(/0 created, 0 updated/);

    t = await startTestApp({ listen: false, dbPath: db });
    const cookie = await t.login();
    const listed = (await t.app.inject({ url: '/api/releases', headers: { cookie } })).json().releases as {
      id: number;
      url: string;
      title: string;
      translations: { url: string }[];
      familyId: number;
    }[];
    expect(listed).toHaveLength(catalogue.length);
    for (const expected of catalogue) {
      const got = listed.find((r) => r.url === expected.url)!;
      expect(got.title).toBe(expected.title);
      const body = (await t.app.inject({ url: `/api/releases/${got.id}`, headers: { cookie } })).json().body;
      expect(body, expected.url).toBe(expected.body.replace(/\r\n?/g, '\n'));
      if (expected.translation_of) {
        const original = listed.find((r) => r.url === expected.translation_of)!;
        expect(got.familyId).toBe(original.id);
        expect(original.translations.map((x) => x.url)).toContain(expected.url);
      }
    }
    const seedRelease = catalogue.find((r) => r.url === seedUrl)!;
    expect(seedText).toContain(seedRelease.title);
  });
});

describe('translation families', () => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await startTestApp({ listen: false });
    cookie = await t.login();
  });
  afterAll(async () => t.close());

  it('resolves a chain of translations to its root whatever the import order', async () => {
    const r = (url: string, translationOf?: string) => ({
      url,
      title: url,
      language: 'en',
      published_at: '2026-01-01T00:00:00Z',
      body: '',
      ...(translationOf ? { translation_of: translationOf } : {}),
    });
    // C translates B, B translates A; A arrives last.
    await t.app.inject({
      method: 'POST',
      url: '/api/releases',
      headers: { cookie },
      payload: [r('https://x.test/c', 'https://x.test/b')],
    });
    await t.app.inject({
      method: 'POST',
      url: '/api/releases',
      headers: { cookie },
      payload: [r('https://x.test/b', 'https://x.test/a')],
    });
    await t.app.inject({
      method: 'POST',
      url: '/api/releases',
      headers: { cookie },
      payload: [r('https://x.test/a')],
    });
    const list = (await t.app.inject({ url: '/api/releases', headers: { cookie } })).json().releases as {
      id: number;
      url: string;
      familyId: number;
    }[];
    const a = list.find((x) => x.url === 'https://x.test/a')!;
    expect(list.map((x) => x.familyId)).toEqual([a.id, a.id, a.id]);
  });
});
