import { describe, expect, it } from 'vitest';
import { encodeSingleByte } from '../../../server/mail/legacy-charset.ts';
import { contentHashOf, parseMessage } from '../../../server/mail/parse.ts';

const now = new Date('2026-11-20T12:00:00Z');

function raw(headers: string[], body: Buffer | string): Buffer {
  return Buffer.concat([
    Buffer.from(headers.join('\r\n') + '\r\n\r\n', 'latin1'),
    Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
  ]);
}

describe('parseMessage', () => {
  const arabic = 'نرجو تأكيد موعد المؤتمر الصحفي';

  it('decodes a windows-1256 body and an RFC 2047 subject in that charset', async () => {
    const subject = encodeSingleByte('استفسار صحفي', 'windows-1256').toString('base64');
    const parsed = await parseMessage(
      raw(
        [
          'From: a@b.test',
          `Subject: =?windows-1256?B?${subject}?=`,
          'Content-Type: text/plain; charset=windows-1256',
        ],
        encodeSingleByte(arabic, 'windows-1256'),
      ),
      { now },
    );
    expect(parsed.subject).toBe('استفسار صحفي');
    expect(parsed.text.trim()).toBe(arabic);
    expect(parsed.parseError).toBeNull();
  });

  it('decodes an ISO-8859-6 quoted-printable body', async () => {
    const qp = [...encodeSingleByte(arabic, 'iso-8859-6')]
      .map((b) =>
        b < 0x80 && b !== 0x3d ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`,
      )
      .join('');
    const parsed = await parseMessage(
      raw(
        [
          'From: a@b.test',
          'Subject: x',
          'Content-Type: text/plain; charset=ISO-8859-6',
          'Content-Transfer-Encoding: quoted-printable',
        ],
        qp,
      ),
      { now },
    );
    expect(parsed.text.trim()).toBe(arabic);
  });

  it('falls back to INTERNALDATE for a missing, 1970 or far-future Date header', async () => {
    const internalDate = new Date('2026-11-19T08:00:00Z');
    for (const date of [
      null,
      'Thu, 01 Jan 1970 00:00:00 +0000',
      'Fri, 01 Jan 2099 00:00:00 +0000',
      'not a date',
    ]) {
      const parsed = await parseMessage(raw(['From: a@b.test', ...(date ? [`Date: ${date}`] : [])], 'x'), {
        now,
        internalDate,
      });
      expect(parsed.date.toISOString(), String(date)).toBe(internalDate.toISOString());
      expect(parsed.dateHeaderValid).toBe(false);
    }
    const good = await parseMessage(raw(['From: a@b.test', 'Date: Wed, 18 Nov 2026 09:30:00 +0100'], 'x'), {
      now,
      internalDate,
    });
    expect(good.date.toISOString()).toBe('2026-11-18T08:30:00.000Z');
    expect(good.dateHeaderValid).toBe(true);
  });

  it('synthesises a stable Message-ID from the content when the header is missing', async () => {
    const a1 = await parseMessage(raw(['From: a@b.test', 'Subject: one'], 'body'), { now });
    const a2 = await parseMessage(
      raw(['Received: from elsewhere', 'From: a@b.test', 'Subject: one'], 'body'),
      { now },
    );
    const b = await parseMessage(raw(['From: a@b.test', 'Subject: one'], 'other body'), { now });
    expect(a1.messageIdSynthetic).toBe(true);
    expect(a1.messageId).toBe(a2.messageId);
    expect(a1.messageId).not.toBe(b.messageId);
  });

  it('ignores trace headers in the content hash but not the body or other headers', () => {
    const base = raw(['From: a@b.test', 'Subject: s'], 'body');
    const traced = raw(
      [
        'Return-Path: <x@y>',
        'Received: from a',
        '\tby b',
        'Delivered-To: n@d',
        'From: a@b.test',
        'Subject: s',
      ],
      'body',
    );
    expect(contentHashOf(traced)).toBe(contentHashOf(base));
    expect(contentHashOf(raw(['From: a@b.test', 'Subject: t'], 'body'))).not.toBe(contentHashOf(base));
    expect(contentHashOf(Buffer.from(base.toString('latin1').replace(/\r\n/g, '\n'), 'latin1'))).toBe(
      contentHashOf(base),
    );
  });

  it('keeps the raw bytes and reads headers of a message with bare LF, NUL bytes and 8-bit headers', async () => {
    const bytes = Buffer.from(
      'From: Zoë <z@b.test>\nSubject: caf\xe9\nMessage-ID: <odd@b.test>\n\nline\u0000with nul\n',
      'latin1',
    );
    const parsed = await parseMessage(bytes, { now });
    expect(parsed.raw.equals(bytes)).toBe(true);
    expect(parsed.messageId).toBe('odd@b.test');
    expect(parsed.from.address).toBe('z@b.test');
  });

  it('takes text from the HTML part of an HTML-only mail, without markup', async () => {
    const parsed = await parseMessage(
      raw(
        ['From: a@b.test', 'Content-Type: text/html; charset=utf-8'],
        '<html><head><style>p{}</style></head><body><p>Hello &amp; welcome</p><script>x()</script><p>Bye</p></body></html>',
      ),
      { now },
    );
    expect(parsed.text).toBe('Hello & welcome\nBye');
  });

  it('parses In-Reply-To and References into bare ids', async () => {
    const parsed = await parseMessage(
      raw(
        [
          'From: a@b.test',
          'In-Reply-To: <p2@x.test> (sent earlier)',
          'References: <p1@x.test>\r\n <p2@x.test>',
        ],
        'x',
      ),
      { now },
    );
    expect(parsed.inReplyTo).toEqual(['p2@x.test']);
    expect(parsed.references).toEqual(['p1@x.test', 'p2@x.test']);
  });

  it('drops inbound X-Newsdesk-* control headers before anything reads them, keeping the raw bytes', async () => {
    const bytes = raw(
      ['From: a@b.test', 'X-Newsdesk-Thread: 42', 'x-newsdesk-direction: out', 'Subject: s'],
      'x',
    );
    const parsed = await parseMessage(bytes, { now });
    expect([...parsed.headers.keys()].filter((k) => k.startsWith('x-newsdesk'))).toEqual([]);
    expect(parsed.raw.toString('latin1')).toContain('X-Newsdesk-Thread: 42');
  });
});
