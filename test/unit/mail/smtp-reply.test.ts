import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config.ts';
import { parseMessage, readRawHeaders } from '../../../server/mail/parse.ts';
import { composeReplyBytes } from '../../../server/mail/smtp/compose-reply.ts';
import {
  deliverableAddress,
  headerSafe,
  quotedOriginal,
  referencesChain,
  replyMessageId,
  replyRecipients,
  replySubject,
  threadIdFromReplyId,
} from '../../../server/mail/smtp/reply-headers.ts';
import { classifySmtpError } from '../../../server/mail/smtp/transport.ts';

const BREAKS = ['\r\n', '\r', '\n', '\u2028', '\u2029', '\u0000', '\u0085'];

describe('reply subject', () => {
  it('adds exactly one "Re:" however many reply prefixes the thread collected', () => {
    expect(replySubject('Question')).toBe('Re: Question');
    expect(replySubject('RE: Re: AW: re[2]: Question')).toBe('Re: Question');
    expect(replySubject('رد: استفسار')).toBe('Re: استفسار');
    expect(replySubject('')).toBe('Re:');
  });

  it('keeps list tags and forward markers, which are the journalist’s own', () => {
    expect(replySubject('[desk] Fwd: Question')).toBe('Re: [desk] Fwd: Question');
  });

  it.each(BREAKS)('never carries a line break (%j) into the header', (br) => {
    const subject = replySubject(`Hi${br}Bcc: attacker@evil.example`);
    expect([...subject].some((ch) => BREAKS.includes(ch) || ch === '\r' || ch === '\n')).toBe(false);
    expect(subject).toBe('Re: Hi Bcc: attacker@evil.example');
  });
});

describe('References and Message-ID', () => {
  it('keeps the root and the last ten ancestors of a huge chain, only well-formed ids (O-13)', () => {
    const chain = Array.from({ length: 10_000 }, (_, i) => `<id${i}@paper.test>`);
    const refs = referencesChain([...chain, '<bad id@x>', '<>', 'junk'], '<parent@paper.test>');
    expect(refs).toHaveLength(11);
    expect(refs[0]).toBe('id0@paper.test');
    expect(refs.at(-1)).toBe('parent@paper.test');
    expect(refs).not.toContain('bad id@x');
  });

  it('carries the thread id, which only our own domain can claim', () => {
    const id = replyMessageId(42, 'a1b2\r\nc3', 'newsdesk.test');
    expect(id).toBe('reply.42.a1b2c3@newsdesk.test');
    expect(threadIdFromReplyId(id, 'newsdesk.test')).toBe(42);
    expect(threadIdFromReplyId(id, 'other.test')).toBeNull();
    expect(threadIdFromReplyId('reply.x.abc@newsdesk.test', 'newsdesk.test')).toBeNull();
  });
});

describe('recipients (O-12: what staff see is where it goes)', () => {
  const original = {
    from: { name: 'Sam', address: 'sam@press.test' },
    to: [
      { name: 'Desk', address: 'NEWSDESK@newsdesk.test' },
      { name: 'Editor', address: 'editor@press.test' },
    ],
    cc: [
      { name: null, address: 'sam@press.test' },
      { name: null, address: '"x@gmail.com y"@internal.example' },
      { name: null, address: 'user@good.example(x)evil.example' },
    ],
  };

  it('replies to the sender only, unless reply-all', () => {
    const one = replyRecipients(original, { replyAll: false, ownAddresses: ['newsdesk@newsdesk.test'] });
    expect(one.to.map((p) => p.address)).toEqual(['sam@press.test']);
    expect(one.cc).toEqual([]);
  });

  it('reply-all drops our own address, repeats and addresses it cannot deliver plainly', () => {
    const all = replyRecipients(original, { replyAll: true, ownAddresses: ['newsdesk@newsdesk.test'] });
    expect(all.cc.map((p) => p.address)).toEqual(['editor@press.test']);
    expect(all.refused).toEqual(['"x@gmail.com y"@internal.example', 'user@good.example(x)evil.example']);
  });

  it('refuses group syntax, line breaks and oversized addresses', () => {
    expect(deliverableAddress('undisclosed-recipients:;')).toBeNull();
    expect(deliverableAddress('a@b.test\r\nBcc: c@d.test')).toBeNull();
    expect(deliverableAddress(`${'a'.repeat(500)}@press.test`)).toBeNull();
    expect(deliverableAddress('Sam@Press.TEST')).toBe('Sam@press.test');
  });
});

describe('composed bytes', () => {
  it.each(BREAKS)('add no header line from a hostile name or subject (%j, O-11)', async (br) => {
    const raw = await composeReplyBytes({
      messageId: 'reply.1.abc@newsdesk.test',
      from: { name: `Amal${br}Bcc: a@evil.example — Newsdesk`, address: 'newsdesk@newsdesk.test' },
      to: [{ name: `Sam${br}X-Injected: yes`, address: 'sam@press.test' }],
      cc: [],
      subject: `Re: Hi${br}Bcc: attacker@evil.example`,
      text: 'Hello',
      inReplyTo: 'orig@press.test',
      references: ['root@press.test', 'orig@press.test'],
      date: new Date('2026-05-01T09:00:00Z'),
      attachments: [
        { filename: `a${br}b.pdf`, contentType: 'application/pdf', content: Buffer.from('%PDF') },
      ],
    });
    const headers = readRawHeaders(raw);
    expect(headers.has('bcc')).toBe(false);
    expect(headers.has('x-injected')).toBe(false);
    for (const name of ['from', 'to', 'subject', 'message-id', 'in-reply-to', 'references'])
      expect(headers.get(name), name).toHaveLength(1);
    expect(headers.get('in-reply-to')).toEqual(['<orig@press.test>']);
    expect(headers.get('references')).toEqual(['<root@press.test> <orig@press.test>']);
  });

  it('round-trips Arabic text, names and attachments through our own parser', async () => {
    const raw = await composeReplyBytes({
      messageId: 'reply.7.def@newsdesk.test',
      from: { name: 'أمل حداد — المكتب الصحفي', address: 'newsdesk@newsdesk.test' },
      to: [{ name: 'ليلى', address: 'layla@press.test' }],
      cc: [],
      subject: 'Re: استفسار حول اجتماع بروكسل',
      text: 'شكرا لسؤالك.\nسنعود إليك قريبا.',
      inReplyTo: null,
      references: [],
      date: new Date('2026-05-01T09:00:00Z'),
      attachments: [
        { filename: 'بيان.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4') },
      ],
    });
    const parsed = await parseMessage(raw, { now: new Date() });
    expect(parsed.messageId).toBe('reply.7.def@newsdesk.test');
    expect(parsed.from).toEqual({ name: 'أمل حداد — المكتب الصحفي', address: 'newsdesk@newsdesk.test' });
    expect(parsed.subject).toBe('Re: استفسار حول اجتماع بروكسل');
    expect(parsed.text).toContain('سنعود إليك قريبا');
    expect(parsed.attachments[0]?.filename).toBe('بيان.pdf');
  });
});

describe('quoting and header cleaning', () => {
  it('quotes every line and bounds a huge original', () => {
    const q = quotedOriginal({
      text: `line one\n> already quoted\n${'x'.repeat(30_000)}`,
      date: new Date('2026-05-01T09:00:00Z'),
      from: { name: 'Sam', address: 'sam@press.test' },
    });
    expect(q.split('\n')[0]).toBe('On Fri, 01 May 2026 09:00:00 GMT, Sam <sam@press.test> wrote:');
    expect(q).toContain('\n> line one\n>> already quoted\n');
    expect(q.length).toBeLessThan(21_000);
  });

  it('drops bidi controls that would reorder a name', () => {
    expect(headerSafe('Sam\u202Efdp.exe')).toBe('Samfdp.exe');
  });
});

describe('SMTP failures', () => {
  it('5xx is permanent, 4xx and connection problems are temporary', () => {
    expect(classifySmtpError({ responseCode: 550, response: '550 5.1.1 User unknown' })).toEqual({
      permanent: true,
      message: '550 5.1.1 User unknown',
    });
    expect(classifySmtpError({ responseCode: 451, response: '451 4.3.0 Try again' }).permanent).toBe(false);
    expect(
      classifySmtpError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' })).permanent,
    ).toBe(false);
  });
});

describe('reply configuration', () => {
  it('refuses an office name or Sent folder that could break a header line, and a negative undo window', () => {
    expect(() => loadConfig({ NEWSDESK_OFFICE_NAME: 'Press\r\nBcc: a@evil.example' })).toThrow(
      /NEWSDESK_OFFICE_NAME may not contain line breaks/,
    );
    expect(() => loadConfig({ NEWSDESK_SENT_FOLDER: 'Sent\nx' })).toThrow(/NEWSDESK_SENT_FOLDER/);
    expect(() => loadConfig({ NEWSDESK_UNDO_SECONDS: '-1' })).toThrow(/NEWSDESK_UNDO_SECONDS/);
    const config = loadConfig({ NEWSDESK_UNDO_SECONDS: '0', NEWSDESK_OFFICE_NAME: 'FCDO Newsdesk' });
    expect(config).toMatchObject({ undoSeconds: 0, officeName: 'FCDO Newsdesk', sentFolder: null });
    expect(loadConfig({}).undoSeconds).toBe(10);
  });

  it('sends each reply a self-copy unless NEWSDESK_SELF_COPY is false; other values are refused', () => {
    expect(loadConfig({}).selfCopy).toBe(true);
    expect(loadConfig({ NEWSDESK_SELF_COPY: 'true' }).selfCopy).toBe(true);
    expect(loadConfig({ NEWSDESK_SELF_COPY: 'false' }).selfCopy).toBe(false);
    expect(() => loadConfig({ NEWSDESK_SELF_COPY: 'no' })).toThrow(
      /NEWSDESK_SELF_COPY must be true or false/,
    );
  });
});
