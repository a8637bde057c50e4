import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../server/commands/users.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

function enquiry(opts: {
  id: string;
  from: string;
  subject: string;
  body: string;
  attachment?: boolean;
}): string {
  const head = [
    `From: ${opts.from}`,
    'To: newsdesk@newsdesk.test, Editor <editor@paper.test>',
    `Subject: ${opts.subject}`,
    `Message-ID: <${opts.id}>`,
    'Date: Mon, 16 Nov 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
  ];
  if (!opts.attachment)
    return [...head, 'Content-Type: text/plain; charset=utf-8', '', opts.body, ''].join('\r\n');
  return [
    ...head,
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    opts.body,
    '--b1',
    'Content-Type: application/pdf; name="figures.pdf"',
    'Content-Disposition: attachment; filename="figures.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('%PDF-1.4 figures').toString('base64'),
    '--b1--',
    '',
  ].join('\r\n');
}

/** An RFC 3464 report saying our message could not be delivered. */
function bounceOf(messageId: string, to: string): string {
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.paper.test>',
    'To: newsdesk@newsdesk.test',
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: <bounce-${Date.now()}@mx.paper.test>`,
    'Date: Mon, 16 Nov 2026 11:00:00 +0000',
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="r1"',
    '',
    '--r1',
    'Content-Type: text/plain',
    '',
    'Your message could not be delivered.',
    '--r1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.paper.test',
    '',
    `Final-Recipient: rfc822; ${to}`,
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 user unknown',
    '--r1',
    'Content-Type: text/rfc822-headers',
    '',
    'From: newsdesk@newsdesk.test',
    `To: ${to}`,
    `Message-ID: <${messageId}>`,
    'Subject: Re: Figures',
    '--r1--',
    '',
  ].join('\r\n');
}

describe('replies API', () => {
  let t: TestApp;
  let admin: string;
  let staff: string;
  let threadId: number;
  let otherThreadId: number;
  let attachmentId: number;
  let n = 0;

  const post = (id: number, payload: unknown, cookie: string | null, key: string | null = `key-${++n}`) =>
    t.app.inject({
      method: 'POST',
      url: `/api/threads/${id}/replies`,
      headers: { ...(cookie ? { cookie } : {}), ...(key ? { 'idempotency-key': key } : {}) },
      payload: payload as Record<string, unknown>,
    });

  const version = (id: number) =>
    (
      t.db.$client.prepare('select coalesce(max(seq), 0) v from events where thread_id = ?').get(id) as {
        v: number;
      }
    ).v;

  beforeAll(async () => {
    t = await startTestApp({
      listen: false,
      // Nothing listens on port 9: a reply that leaves the undo window only ever retries.
      env: {
        NEWSDESK_SMTP_URL: 'smtp://127.0.0.1:9',
        NEWSDESK_UNDO_SECONDS: '3600',
        NEWSDESK_OFFICE_NAME: 'Press Office',
      },
    });
    admin = await t.login();
    await addUser(
      t.db,
      { email: 'amal@newsdesk.test', name: 'Amal Haddad', password: 'amal-password' },
      new Date(),
    );
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: 'amal@newsdesk.test', password: 'amal-password' },
    });
    staff = `newsdesk_session=${login.cookies.find((c) => c.name === 'newsdesk_session')!.value}`;
    await t.ingestRaw(
      enquiry({
        id: 'q1@paper.test',
        from: 'Sam <sam@paper.test>',
        subject: 'Figures',
        body: 'Which figures?',
        attachment: true,
      }),
    );
    await t.ingestRaw(
      enquiry({ id: 'q2@paper.test', from: 'Kim <kim@wire.test>', subject: 'Visit', body: 'When?' }),
    );
    const ids = t.db.$client.prepare('select thread_id t from messages order by id').all() as { t: number }[];
    threadId = ids[0]!.t;
    otherThreadId = ids[1]!.t;
    attachmentId = (
      t.db.$client.prepare('select id from attachments order by id limit 1').get() as { id: number }
    ).id;
  });
  afterAll(async () => t.close());

  it('needs a session for every reply route', async () => {
    expect((await post(threadId, { text: 'x' }, null)).statusCode).toBe(401);
    for (const url of ['/api/replies/1/cancel', '/api/replies/1/approve', '/api/replies/1/return'])
      expect((await t.app.inject({ method: 'POST', url, payload: { note: 'x' } })).statusCode, url).toBe(401);
    expect((await t.app.inject({ url: '/api/replies/1' })).statusCode).toBe(401);
  });

  it('validates the body and requires an Idempotency-Key', async () => {
    expect((await post(threadId, { text: 'x' }, admin, null)).statusCode).toBe(400);
    expect((await post(threadId, {}, admin)).statusCode).toBe(400);
    expect((await post(threadId, { text: 'x', statusAfterSend: 'closed' }, admin)).statusCode).toBe(400);
    expect((await post(threadId, { text: '   ' }, admin)).json().error.code).toBe('empty_reply');
    expect((await post(999_999, { text: 'x' }, admin)).statusCode).toBe(404);
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/replies/999999/cancel', headers: { cookie: admin } }))
        .statusCode,
    ).toBe(404);
    const foreign = await post(threadId, { text: 'x', attachmentIds: [attachmentId + 1000] }, admin);
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error.code).toBe('invalid_attachment');
  });

  it('holds a reply for the undo window, shows it in the thread at once, and lets its author pull it back', async () => {
    const res = await post(
      threadId,
      { text: 'Here are the figures.', replyAll: true, attachmentIds: [attachmentId] },
      staff,
    );
    expect(res.statusCode).toBe(202);
    const reply = res.json().reply;
    expect(reply).toMatchObject({
      state: 'held',
      attempts: 0,
      author: { name: 'Amal Haddad' },
      sentCopy: 'not-wanted',
    });
    expect(new Date(reply.sendAfter).getTime() - Date.now()).toBeGreaterThan(3_500_000);

    const detail = (
      await t.app.inject({ url: `/api/threads/${threadId}`, headers: { cookie: admin } })
    ).json();
    const out = detail.messages.find((m: { direction: string }) => m.direction === 'out');
    expect(out.reply).toMatchObject({ id: reply.id, state: 'held' });
    expect(out.subject).toBe('Re: Figures');
    expect(out.from).toEqual({ name: 'Amal Haddad — Press Office', email: 'newsdesk@newsdesk.test' });
    expect(out.to.map((a: { email: string }) => a.email)).toEqual(['sam@paper.test']);
    expect(out.cc.map((a: { email: string }) => a.email)).toEqual(['editor@paper.test']);
    expect(out.attachments.map((a: { filename: string }) => a.filename)).toEqual(['figures.pdf']);
    const events = t.db.$client
      .prepare(
        "select type from events where thread_id = ? and type in ('message.created', 'reply.status') order by seq",
      )
      .all(threadId) as { type: string }[];
    expect(events.map((e) => e.type).slice(-2)).toEqual(['message.created', 'reply.status']);

    const byOther = await t.app.inject({
      method: 'POST',
      url: `/api/replies/${reply.id}/cancel`,
      headers: { cookie: admin },
    });
    expect(byOther.statusCode).toBe(200); // admins may pull back anyone's reply
    expect(byOther.json().reply.state).toBe('cancelled');
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/replies/${reply.id}/cancel`,
      headers: { cookie: staff },
    });
    expect(again.json().reply.state).toBe('cancelled');
    // Nothing went out, so the thread is not answered.
    const status = t.db.$client
      .prepare('select status, first_response_at f from threads where id = ?')
      .get(threadId);
    expect(status).toEqual({ status: 'new', f: null });
  });

  it('only the author (or an admin) can undo, and not once the reply has left', async () => {
    const res = await post(otherThreadId, { text: 'Monday.' }, admin);
    const id = res.json().reply.id;
    const denied = await t.app.inject({
      method: 'POST',
      url: `/api/replies/${id}/cancel`,
      headers: { cookie: staff },
    });
    expect(denied.statusCode).toBe(403);
    t.db.$client.prepare("update outbox set state = 'sent' where id = ?").run(id);
    const late = await t.app.inject({
      method: 'POST',
      url: `/api/replies/${id}/cancel`,
      headers: { cookie: admin },
    });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('too_late');
  });

  it('answers 409 thread_changed with what changed, then sends with the new version', async () => {
    const seen = version(threadId);
    // The officer's own reply since then is not a collision.
    expect((await post(threadId, { text: 'Mine.', basedOnVersion: seen }, staff)).statusCode).toBe(202);
    await t.ingestRaw(
      enquiry({
        id: 'q3@paper.test',
        from: 'Sam <sam@paper.test>',
        subject: 'Re: Figures',
        body: 'Also the 2025 ones?',
      }),
    );
    await post(threadId, { text: 'Colleague’s answer.' }, admin);
    const stale = await post(threadId, { text: 'Late answer.', basedOnVersion: seen }, staff);
    expect(stale.statusCode).toBe(409);
    const body = stale.json();
    expect(body.error.code).toBe('thread_changed');
    expect(body.version).toBe(version(threadId));
    expect(body.changes.map((c: { summary: string }) => c.summary)).toEqual([
      'new message from Sam',
      'Admin replied',
    ]);
    const anyway = await post(threadId, { text: 'Late answer.', basedOnVersion: body.version }, staff);
    expect(anyway.statusCode).toBe(202);
  });

  it('with sign-off required, a reply waits for an approver who approves or returns it', async () => {
    t.db.$client
      .prepare("insert into settings (key, value, updated_at) values ('requireApproval', 'true', 0)")
      .run();
    try {
      const first = (await post(otherThreadId, { text: 'Draft one.' }, staff)).json().reply;
      expect(first.state).toBe('awaiting-approval');
      const notApprover = await t.app.inject({
        method: 'POST',
        url: `/api/replies/${first.id}/approve`,
        headers: { cookie: staff },
      });
      expect(notApprover.statusCode).toBe(403);
      t.db.$client.prepare("update users set can_approve = 1 where email = 'admin@newsdesk.test'").run();
      const returned = await t.app.inject({
        method: 'POST',
        url: `/api/replies/${first.id}/return`,
        headers: { cookie: admin },
        payload: { note: 'Use the agreed line.' },
      });
      expect(returned.json().reply).toMatchObject({ state: 'cancelled', returnNote: 'Use the agreed line.' });
      expect(
        (
          await t.app.inject({
            method: 'POST',
            url: `/api/replies/${first.id}/return`,
            headers: { cookie: admin },
            payload: {},
          })
        ).statusCode,
      ).toBe(400);

      const second = (await post(otherThreadId, { text: 'Draft two.' }, staff)).json().reply;
      const approved = await t.app.inject({
        method: 'POST',
        url: `/api/replies/${second.id}/approve`,
        headers: { cookie: admin },
      });
      expect(approved.statusCode).toBe(200);
      expect(['queued', 'sending', 'retrying']).toContain(approved.json().reply.state);
      // Approvers' own replies need no sign-off.
      expect((await post(otherThreadId, { text: 'By an approver.' }, admin)).json().reply.state).toBe('held');
    } finally {
      t.db.$client.prepare("delete from settings where key = 'requireApproval'").run();
    }
  });

  it('a bounce of a sent reply marks it bounced and joins its thread; a failure degrades health', async () => {
    const reply = (await post(otherThreadId, { text: 'Bounce me.' }, admin)).json().reply;
    t.db.$client.prepare("update outbox set state = 'sent' where id = ?").run(reply.id);
    const ourId = (
      t.db.$client.prepare('select message_id id from outbox where id = ?').get(reply.id) as { id: string }
    ).id;
    await t.ingestRaw(bounceOf(ourId, 'kim@wire.test'));
    const after = (await t.app.inject({ url: `/api/replies/${reply.id}`, headers: { cookie: admin } })).json()
      .reply;
    expect(after.state).toBe('bounced');
    expect(after.lastError).toContain('5.1.1');
    const bounce = t.db.$client
      .prepare("select thread_id t, kind from messages where subject = 'Undelivered Mail Returned to Sender'")
      .get() as { t: number; kind: string };
    expect(bounce).toEqual({ t: otherThreadId, kind: 'bounce' });
    const health = (await t.app.inject({ url: '/api/health', headers: { cookie: admin } })).json();
    expect(health.status).toBe('degraded');
    expect(health.mailboxes).toContainEqual(
      expect.objectContaining({ address: 'newsdesk@newsdesk.test', kind: 'outgoing', state: 'error' }),
    );
  });

  it('our Message-ID leads an answer back to its thread even when the outbox no longer knows it, for its journalist only', async () => {
    const forgotten = `reply.${otherThreadId}.0123456789abcdef@newsdesk.test`;
    const answer = (id: string, from: string) =>
      [
        `From: ${from}`,
        'To: newsdesk@newsdesk.test',
        'Subject: Something else entirely',
        `Message-ID: <${id}>`,
        `In-Reply-To: <${forgotten}>`,
        'Date: Mon, 16 Nov 2026 12:00:00 +0000',
        '',
        'Following up.',
        '',
      ].join('\r\n');
    await t.ingestRaw(answer('kim-again@wire.test', 'Kim <kim@wire.test>'));
    await t.ingestRaw(answer('stranger@evil.test', 'Mallory <mallory@evil.test>'));
    const threadOf = (id: string) =>
      (t.db.$client.prepare('select thread_id t from messages where message_id = ?').get(id) as { t: number })
        .t;
    expect(threadOf('kim-again@wire.test')).toBe(otherThreadId);
    expect(threadOf('stranger@evil.test')).not.toBe(otherThreadId);
  });

  it('the officer’s signature goes under their words, the quoted original below it', async () => {
    const patched = await t.app.inject({
      method: 'PATCH',
      url: '/api/me',
      headers: { cookie: staff },
      payload: { signature: 'Amal Haddad\nPress Officer' },
    });
    expect(patched.statusCode).toBe(200);
    const res = await post(threadId, { text: 'The figures are final.', quote: true }, staff);
    const detail = (
      await t.app.inject({ url: `/api/threads/${threadId}`, headers: { cookie: staff } })
    ).json();
    const out = detail.messages.find((m: { reply?: { id: number } }) => m.reply?.id === res.json().reply.id);
    expect(out.text).toMatch(
      /^The figures are final\.\n\n-- \nAmal Haddad\nPress Officer\n\nOn .+, Sam <sam@paper\.test> wrote:\n> Also the 2025 ones\?\n$/,
    );
  });

  it('a Reply-To elsewhere than the sender is shown and must be chosen (O-12)', async () => {
    await t.ingestRaw(
      [
        'From: Lee <lee@paper.test>',
        'Reply-To: desk@agency.test, "Night desk" <night@agency.test>',
        'To: newsdesk@newsdesk.test',
        'Subject: Redirected',
        'Message-ID: <redirect@paper.test>',
        'Date: Mon, 16 Nov 2026 10:00:00 +0000',
        '',
        'Please answer the desk.',
        '',
      ].join('\r\n'),
    );
    const id = (
      t.db.$client
        .prepare("select thread_id t from messages where message_id = 'redirect@paper.test'")
        .get() as {
        t: number;
      }
    ).t;
    const ask = await post(id, { text: 'Answer.' }, staff);
    expect(ask.statusCode).toBe(409);
    expect(ask.json()).toMatchObject({
      error: { code: 'reply_to_differs' },
      from: 'lee@paper.test',
      replyTo: ['desk@agency.test', 'night@agency.test'],
    });
    const toFrom = (await post(id, { text: 'To Lee.', replyTo: 'from' }, staff)).json().reply.id;
    const toDesk = (await post(id, { text: 'To the desk.', replyTo: 'reply-to' }, staff)).json().reply.id;
    const recipients = (replyId: number) =>
      JSON.parse(
        (t.db.$client.prepare('select recipients r from outbox where id = ?').get(replyId) as { r: string })
          .r,
      );
    expect(recipients(toFrom)).toEqual(['lee@paper.test']);
    expect(recipients(toDesk)).toEqual(['desk@agency.test', 'night@agency.test']);
  });

  it('reply settings: everyone reads them, only admins change them', async () => {
    const read = await t.app.inject({ url: '/api/reply-settings', headers: { cookie: staff } });
    expect(read.json()).toEqual({ requireApproval: false, acknowledgement: { enabled: false, texts: {} } });
    const denied = await t.app.inject({
      method: 'PUT',
      url: '/api/reply-settings',
      headers: { cookie: staff },
      payload: { requireApproval: true },
    });
    expect(denied.statusCode).toBe(403);
    const changed = await t.app.inject({
      method: 'PUT',
      url: '/api/reply-settings',
      headers: { cookie: admin },
      payload: { acknowledgement: { enabled: true, texts: { en: 'Got it: {reference}' } } },
    });
    expect(changed.json()).toEqual({
      requireApproval: false,
      acknowledgement: { enabled: true, texts: { en: 'Got it: {reference}' } },
    });
    const bad = await t.app.inject({
      method: 'PUT',
      url: '/api/reply-settings',
      headers: { cookie: admin },
      payload: { requireApproval: 'yes' },
    });
    expect(bad.statusCode).toBe(400);
    await t.app.inject({
      method: 'PUT',
      url: '/api/reply-settings',
      headers: { cookie: admin },
      payload: { acknowledgement: { enabled: false, texts: {} } },
    });
    expect((await t.app.inject({ url: '/api/reply-settings' })).statusCode).toBe(401);
  });

  it('a retried POST with the same key returns the first reply; another officer’s key is their own', async () => {
    const a = await post(otherThreadId, { text: 'Once.' }, staff, 'same-key');
    const b = await post(otherThreadId, { text: 'Once.' }, staff, 'same-key');
    const c = await post(otherThreadId, { text: 'Once.' }, admin, 'same-key');
    expect([a.statusCode, b.statusCode, c.statusCode]).toEqual([202, 200, 202]);
    expect(b.json().reply.id).toBe(a.json().reply.id);
    expect(c.json().reply.id).not.toBe(a.json().reply.id);
  });
});

describe('replies without outgoing mail configured', () => {
  it('answers 503 with what to set', async () => {
    const t = await startTestApp({ listen: false });
    try {
      const cookie = await t.login();
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/threads/1/replies',
        headers: { cookie, 'idempotency-key': 'k' },
        payload: { text: 'x' },
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('sending_not_configured');
    } finally {
      await t.close();
    }
  });
});
