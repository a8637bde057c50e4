/** Files uploaded to attach to a reply: POST /api/uploads, then the reply's uploadIds. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../server/commands/users.ts';
import { readRawHeaders } from '../../server/mail/parse.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

describe('uploads API', () => {
  let t: TestApp;
  let admin: string;
  let other: string;
  let threadId: number;
  let n = 0;

  const upload = (
    cookie: string | null,
    body: Buffer | string,
    filename: string | null,
    contentType: string | null = 'application/pdf',
  ) =>
    t.app.inject({
      method: 'POST',
      url: filename === null ? '/api/uploads' : `/api/uploads?filename=${encodeURIComponent(filename)}`,
      headers: { ...(cookie ? { cookie } : {}), ...(contentType ? { 'content-type': contentType } : {}) },
      payload: body,
    });

  const replyWith = (cookie: string, payload: Record<string, unknown>) =>
    t.app.inject({
      method: 'POST',
      url: `/api/threads/${threadId}/replies`,
      headers: { cookie, 'idempotency-key': `upload-${++n}` },
      payload,
    });

  beforeAll(async () => {
    t = await startTestApp({
      listen: false,
      // Nothing listens on port 9, and the undo window keeps replies held: nothing leaves.
      env: { NEWSDESK_SMTP_URL: 'smtp://127.0.0.1:9', NEWSDESK_UNDO_SECONDS: '3600' },
    });
    admin = await t.login();
    await addUser(t.db, { email: 'kim@newsdesk.test', name: 'Kim', password: 'kim-password' }, new Date());
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: 'kim@newsdesk.test', password: 'kim-password' },
    });
    other = `newsdesk_session=${login.cookies.find((c) => c.name === 'newsdesk_session')!.value}`;
    await t.ingestRaw(
      [
        'From: Sam <sam@paper.test>',
        'To: newsdesk@newsdesk.test',
        'Subject: Figures',
        'Message-ID: <q1@paper.test>',
        'Date: Mon, 16 Nov 2026 10:00:00 +0000',
        '',
        'Can you send the report?',
        '',
      ].join('\r\n'),
    );
    threadId = (t.db.$client.prepare('select id from threads').get() as { id: number }).id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('needs a session', async () => {
    const res = await upload(null, '%PDF-1.4', 'report.pdf');
    expect(res.statusCode).toBe(401);
  });

  it('stores the file and attaches it to a reply by id, with its name and type, in any script', async () => {
    const pdf = Buffer.from('%PDF-1.4 the annual report\n%%EOF\n');
    const res = await upload(admin, pdf, 'التقرير السنوي.pdf');
    expect(res.statusCode).toBe(201);
    const { upload: stored } = res.json();
    expect(stored).toEqual({
      id: expect.any(Number),
      filename: 'التقرير السنوي.pdf',
      contentType: 'application/pdf',
      size: pdf.length,
    });

    const sent = await replyWith(admin, { text: 'The report is attached.', uploadIds: [stored.id] });
    expect(sent.statusCode).toBe(202);
    const detail = (
      await t.app.inject({ url: `/api/threads/${threadId}`, headers: { cookie: admin } })
    ).json();
    const out = detail.messages.find(
      (m: { direction: string; reply?: { id: number } }) => m.reply?.id === sent.json().reply.id,
    );
    expect(out.attachments).toMatchObject([
      { filename: 'التقرير السنوي.pdf', contentType: 'application/pdf', size: pdf.length },
    ]);
    // The stored bytes the worker will send carry the file itself.
    const raw = (
      t.db.$client
        .prepare('select b.data d from outbox o join blobs b on b.sha256 = o.raw_sha256 where o.id = ?')
        .get(sent.json().reply.id) as { d: Buffer }
    ).d;
    expect(readRawHeaders(raw).get('content-type')?.[0]).toMatch(/^multipart\/mixed/);
    expect(raw.toString('latin1')).toContain(pdf.toString('base64').slice(0, 40));

    // A file alone is a reply too.
    expect((await replyWith(admin, { text: '', uploadIds: [stored.id] })).statusCode).toBe(202);
  });

  it('only its uploader can attach a file', async () => {
    const mine = (await upload(admin, 'private notes', 'notes.txt', 'text/plain; charset=utf-8')).json()
      .upload;
    expect(mine.contentType).toBe('text/plain');
    const res = await replyWith(other, { text: 'x', uploadIds: [mine.id] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_upload');
    expect((await replyWith(admin, { text: 'x', uploadIds: [999_999] })).json().error.code).toBe(
      'invalid_upload',
    );
  });

  it('keeps the name a journalist will see clean: no path, no line breaks that could add a header', async () => {
    const path = await upload(admin, 'x', 'C:\\fakepath\\figures.xlsx', 'application/vnd.ms-excel');
    expect(path.json().upload.filename).toBe('figures.xlsx');
    const crlf = await upload(admin, 'x', 'a.pdf\r\nBcc: victim@example.org');
    expect(crlf.json().upload.filename).toBe('a.pdfBcc: victim@example.org');
    const sent = await replyWith(admin, { text: 'x', uploadIds: [crlf.json().upload.id] });
    const raw = (
      t.db.$client
        .prepare('select b.data d from outbox o join blobs b on b.sha256 = o.raw_sha256 where o.id = ?')
        .get(sent.json().reply.id) as { d: Buffer }
    ).d;
    expect(readRawHeaders(raw).get('bcc')).toBeUndefined();
    expect(raw.toString('latin1')).not.toMatch(/^Bcc:/im);
  });

  it('refuses a file without a name, an empty one, a bad type, and one over 25 MB', async () => {
    expect((await upload(admin, 'x', null)).statusCode).toBe(400);
    expect((await upload(admin, 'x', '../')).json().error.code).toBe('invalid_filename');
    expect((await upload(admin, '', 'empty.pdf')).json().error.code).toBe('empty_upload');
    // A Content-Type that is no media type at all is refused before the body is read.
    expect((await upload(admin, 'x', 'a.pdf', 'not a type')).statusCode).toBe(415);
    const big = await upload(
      admin,
      Buffer.alloc(25 * 1024 * 1024 + 1, 0x41),
      'big.bin',
      'application/octet-stream',
    );
    expect(big.statusCode).toBe(413);
    expect(t.db.$client.prepare("select count(*) n from uploads where filename = 'big.bin'").get()).toEqual({
      n: 0,
    });
  });
});
