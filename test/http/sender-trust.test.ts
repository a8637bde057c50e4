import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';

function mail(id: string, from: string): string {
  return [
    `From: ${from}`,
    'To: newsdesk@newsdesk.test',
    'Subject: Statement',
    `Message-ID: <${id}>`,
    '',
    'Hello',
    '',
  ].join('\r\n');
}

describe('sender verification at ingest', () => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await startTestApp({ listen: false });
    cookie = await t.login();
  });
  afterAll(async () => t.close());

  const messageOf = async (subjectId: string) => {
    const threads = (await t.app.inject({ url: '/api/threads', headers: { cookie } })).json().threads;
    for (const thread of threads) {
      const detail = (await t.app.inject({ url: `/api/threads/${thread.id}`, headers: { cookie } })).json();
      const hit = detail.messages.find((m: { messageId: string }) => m.messageId === subjectId);
      if (hit) return hit;
    }
    throw new Error(`no message ${subjectId}`);
  };

  it('stores an unsigned message as unverified, with the auth summary in the export field', async () => {
    await t.ingestRaw(mail('plain@paper.test', 'Ann <ann@paper.test>'));
    const message = await messageOf('plain@paper.test');
    expect(message.auth).toBe('none');
    expect(message.senderTrust.level).toBe('unverified');
  });

  it('flags a display name that carries another address as a possible spoof, saying why', async () => {
    await t.ingestRaw(mail('spoof1@evil.test', '"press@newsdesk.test" <x@evil.example>'));
    const message = await messageOf('spoof1@evil.test');
    expect(message.senderTrust.level).toBe('possible-spoof');
    expect(message.senderTrust.warnings.map((w: { message: string }) => w.message).join(' ')).toMatch(
      /x@evil\.example/,
    );
  });
});
