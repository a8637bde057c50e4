// Hand-written header sets for every L row of BAD-INPUTS §3.2 (L-08/L-10/L-11 linking live elsewhere).
import { describe, it, expect } from 'vitest';
import { classifyMessage, type ClassifyInput } from '../../../server/domain/classify/index.ts';
import { readRawHeaders } from '../../../server/mail/parse.ts';

type Part = ClassifyInput['attachments'][number];

/** A ClassifyInput from header lines, the way the parser would build it (headers raw, subject decoded). */
function mail(
  headerLines: string[],
  body: { text?: string; attachments?: Part[]; raw?: boolean } = {},
): ClassifyInput {
  const block = headerLines.join('\r\n') + '\r\n\r\n';
  const headers = readRawHeaders(Buffer.from(block, 'utf8'));
  const fromValue = headers.get('from')?.[0] ?? '';
  const address = (/<([^<>]+)>/.exec(fromValue)?.[1] ?? fromValue.split(/\s/)[0] ?? '').toLowerCase();
  const name = /^"?([^"<]+?)"?\s*</.exec(fromValue)?.[1] ?? null;
  return {
    headers,
    from: { name, address },
    subject: Buffer.from(headers.get('subject')?.[0] ?? '', 'latin1').toString('utf8'),
    text: body.text ?? '',
    attachments: body.attachments ?? [],
    ...(body.raw ? { raw: Buffer.from(block + (body.text ?? ''), 'utf8') } : {}),
  };
}

function part(contentType: string, content: string, filename: string | null = null): Part {
  return { contentType, content: Buffer.from(content, 'utf8'), filename };
}

const JOURNALIST = [
  'From: Amira Haddad <amira@news.example>',
  'To: press@ministry.example',
  'Subject: Request for comment on the budget',
  'Message-ID: <abc123@news.example>',
  'Return-Path: <amira@news.example>',
];

function headersWith(...extra: string[]): string[] {
  return [...JOURNALIST, ...extra];
}

describe('human mail', () => {
  it('a plain enquiry is human and gets an acknowledgement', () => {
    const c = classifyMessage(mail(JOURNALIST, { text: 'Could you send me a line on the budget by 5pm?' }));
    expect(c).toEqual({
      kind: 'human',
      suppressAutoAck: false,
      probable: false,
      reason: 'no automatic markers',
    });
    expect(c.bounce).toBeUndefined();
  });

  it('body wording alone never makes a bounce or an auto-reply', () => {
    const text = 'I am out of the office until Monday. My last message could not be delivered, so resending.';
    expect(classifyMessage(mail(JOURNALIST, { text })).kind).toBe('human');
  });

  it('subjects that merely contain the words stay human (a separator must follow the prefix)', () => {
    for (const subject of [
      'Out of office hours: council overtime figures',
      'Absence of data in the housing report',
      'Re: Automatic reply policy for ministers',
      'Question about auto reply rules',
      'Undeliverable promises: a comment piece',
    ]) {
      const c = classifyMessage(mail(['From: Amira <amira@news.example>', `Subject: ${subject}`]));
      expect(c.kind, subject).toBe('human');
    }
  });

  it('a newsletter without List-* or Precedence headers is not guessed from its body (stays human)', () => {
    const text =
      'This week in policy… Unsubscribe: https://news.example/u?id=1\nYou receive this because you subscribed.';
    const c = classifyMessage(
      mail(['From: Weekly Digest <digest@news.example>', 'Subject: Weekly digest'], { text }),
    );
    expect(c.kind).toBe('human');
    expect(c.suppressAutoAck).toBe(false);
  });

  it('a person forwarding a bounce as an attachment stays human (is-not-bounce-02)', () => {
    const dsn = 'Final-Recipient: rfc822; x@y.example\nAction: failed\nStatus: 5.1.1\n';
    const c = classifyMessage(
      mail(
        [
          'From: Amira <amira@news.example>',
          'Content-Type: multipart/mixed; boundary=b',
          'Subject: look at this',
        ],
        {
          text: 'Why did this bounce?',
          attachments: [
            part('message/rfc822', 'From: x@y.example\r\nMessage-ID: <q@y>\r\n\r\nhi'),
            part('message/delivery-status', dsn),
          ],
        },
      ),
    );
    expect(c.kind).toBe('human');
  });

  it('a postmaster writing an ordinary subject is human', () => {
    const c = classifyMessage(
      mail(['From: postmaster@news.example', 'Subject: Your press list entry'], { text: 'Hello' }),
    );
    expect(c.kind).toBe('human');
  });

  it('no sender address: human, but nothing to acknowledge to', () => {
    const c = classifyMessage(mail(['Subject: hello'], { text: 'hi' }));
    expect(c.kind).toBe('human');
    expect(c.suppressAutoAck).toBe(true);
  });
});

describe('L-01 Auto-Submitted (RFC 3834 §5)', () => {
  it.each([
    'auto-replied',
    'auto-generated',
    'auto-notified',
    'Auto-Replied',
    'auto-replied; owner-email="x@y.example"',
  ])('%s → auto-reply, no ack', (value) => {
    const c = classifyMessage(mail(headersWith(`Auto-Submitted: ${value}`)));
    expect(c.kind).toBe('auto-reply');
    expect(c.suppressAutoAck).toBe(true);
    expect(c.probable).toBe(false);
    expect(c.reason).toBe(`Auto-Submitted: ${value.split(';')[0]!.toLowerCase()}`);
  });

  it('comments are ignored: "auto-generated (failure)"', () => {
    expect(classifyMessage(mail(headersWith('Auto-Submitted: auto-generated (failure)'))).reason).toBe(
      'Auto-Submitted: auto-generated',
    );
  });

  it.each(['no', 'No', 'no (a person wrote this)', ''])('Auto-Submitted: "%s" → human', (value) => {
    const c = classifyMessage(mail(headersWith(`Auto-Submitted: ${value}`)));
    expect(c.kind).toBe('human');
    expect(c.suppressAutoAck).toBe(false);
  });
});

describe('L-02 vendor auto-responder headers', () => {
  it.each([
    ['X-Autoreply: yes', 'X-Autoreply: yes header'],
    ['X-Autorespond: Nyaan', 'X-Autorespond: nyaan header'],
    ['X-Autoresponder: true', 'X-Autoresponder: true header'],
    ['X-AutoReply-From: amira@news.example', 'X-Autoreply-From: amira@news.example header'],
  ])('%s → auto-reply', (line, reason) => {
    const c = classifyMessage(mail(headersWith(line)));
    expect(c).toMatchObject({ kind: 'auto-reply', suppressAutoAck: true, probable: false, reason });
  });

  it('an explicit "no" is not a marker', () => {
    expect(classifyMessage(mail(headersWith('X-Autoreply: no'))).kind).toBe('human');
  });
});

describe('L-03 Precedence', () => {
  it.each(['bulk', 'list', 'junk', 'Bulk'])('Precedence: %s → list traffic, no ack', (value) => {
    const c = classifyMessage(mail(headersWith(`Precedence: ${value}`)));
    expect(c).toMatchObject({
      kind: 'list',
      suppressAutoAck: true,
      reason: `Precedence: ${value.toLowerCase()}`,
    });
  });

  it('Precedence: auto_reply → auto-reply', () => {
    expect(classifyMessage(mail(headersWith('Precedence: auto_reply')))).toMatchObject({
      kind: 'auto-reply',
      reason: 'Precedence: auto_reply',
    });
  });

  it('X-Precedence works the same', () => {
    expect(classifyMessage(mail(headersWith('X-Precedence: bulk')))).toMatchObject({
      kind: 'list',
      reason: 'X-Precedence: bulk',
    });
  });

  it('Precedence: normal is no hint at all', () => {
    expect(classifyMessage(mail(headersWith('Precedence: normal')))).toMatchObject({
      kind: 'human',
      suppressAutoAck: false,
    });
  });

  it('an unusual Precedence value leaves the mail human but asks for no ack', () => {
    expect(classifyMessage(mail(headersWith('Precedence: special-delivery')))).toMatchObject({
      kind: 'human',
      suppressAutoAck: true,
    });
  });
});

describe('L-04 list headers', () => {
  it('List-Id → list', () => {
    const c = classifyMessage(mail(headersWith('List-Id: Newsroom chat <chat.lists.news.example>')));
    expect(c).toMatchObject({
      kind: 'list',
      suppressAutoAck: true,
      probable: false,
      reason: 'List-Id header',
    });
  });

  it('List-Unsubscribe alone (a newsletter) → list', () => {
    const c = classifyMessage(mail(headersWith('List-Unsubscribe: <mailto:unsub@news.example>')));
    expect(c).toMatchObject({ kind: 'list', reason: 'List-Unsubscribe header' });
  });

  it('list headers beat a subject that only looks automatic', () => {
    const c = classifyMessage(
      mail(['From: a@lists.example', 'Subject: Out of Office: Re: agenda', 'List-Id: <x.lists.example>']),
    );
    expect(c.kind).toBe('list');
  });

  it('decision: an auto-reply relayed by a list is an auto-reply (it must never reopen a thread)', () => {
    const c = classifyMessage(
      mail(headersWith('List-Id: <x.lists.example>', 'Auto-Submitted: auto-replied')),
    );
    expect(c.kind).toBe('auto-reply');
  });

  it('Auto-Submitted beats Precedence: bulk (rfc3834-06)', () => {
    const c = classifyMessage(mail(headersWith('Precedence: bulk', 'Auto-Submitted: auto-replied')));
    expect(c.kind).toBe('auto-reply');
  });
});

describe('L-05 Exchange out-of-office', () => {
  const oof = [
    'Return-Path: <>',
    'From: "Haddad, Amira" <amira@news.example>',
    'To: press@ministry.example',
    'Subject: Automatic reply: Budget statement',
    'X-Auto-Response-Suppress: All',
    'X-MS-Exchange-Inbox-Rules-Loop: amira@news.example',
  ];

  it('Return-Path <> + X-Auto-Response-Suppress: All + "Automatic reply:" → auto-reply, certain', () => {
    const c = classifyMessage(mail(oof, { text: "I'm out of the office until Monday." }));
    expect(c).toMatchObject({ kind: 'auto-reply', probable: false, suppressAutoAck: true });
    expect(c.reason).toContain('Return-Path: <>');
    expect(c.reason).toContain('X-Auto-Response-Suppress: All');
  });

  it('one corroborating header is enough', () => {
    const c = classifyMessage(
      mail(['From: amira@news.example', 'Subject: Automatic reply: Budget', 'X-Auto-Response-Suppress: All']),
    );
    expect(c).toMatchObject({ kind: 'auto-reply', probable: false });
  });

  it('an OOF that talks about delivery is not a bounce', () => {
    const c = classifyMessage(
      mail(
        [
          ...oof.filter((l) => !l.startsWith('Subject')),
          'Subject: Out of Office',
          'Auto-Submitted: auto-replied',
        ],
        {
          text: 'Your message was not delivered to me personally; it was forwarded to the desk.',
        },
      ),
    );
    expect(c.kind).toBe('auto-reply');
  });
});

describe('L-06 X-Auto-Response-Suppress on human mail', () => {
  it('only X-Auto-Response-Suppress: OOF → stays human, but no ack', () => {
    const c = classifyMessage(mail(headersWith('X-Auto-Response-Suppress: OOF', 'X-MS-Has-Attach: ')));
    expect(c).toMatchObject({ kind: 'human', suppressAutoAck: true, probable: false });
    expect(c.reason).toBe('X-Auto-Response-Suppress: OOF');
  });

  it.each(['All', 'DR, OOF, AutoReply', 'AutoReply'])(
    'X-Auto-Response-Suppress: %s without an auto subject → human',
    (v) => {
      const c = classifyMessage(mail(headersWith(`X-Auto-Response-Suppress: ${v}`)));
      expect(c).toMatchObject({ kind: 'human', suppressAutoAck: true });
    },
  );

  it('values that do not concern auto-replies leave the ack on', () => {
    const c = classifyMessage(mail(headersWith('X-Auto-Response-Suppress: DR, RN, NRN')));
    expect(c).toMatchObject({ kind: 'human', suppressAutoAck: false });
  });
});

describe('L-07 subject-only auto-replies (heuristic)', () => {
  it.each([
    'Auto reply: Nyaan',
    'Automatic reply: Budget',
    'AutoReply: Budget',
    'Auto-Response: Budget',
    'Out of Office',
    'Out of Office: Re: Budget',
    'OOO: back Monday',
    'Absence: Amira Haddad',
    'Réponse automatique : Budget',
    'RÉPONSE AUTOMATIQUE: Budget',
    'Abwesenheitsnotiz: Haushalt',
    'Automatische Antwort: Haushalt',
    'Respuesta automática: Presupuesto',
    'رد تلقائي: بيان صحفي',
    'خارج المكتب',
    '\u200fرد تلقائي: ميزانية',
    '[EXTERNAL] Automatic reply: Budget',
  ])('"%s" → probably automatic, no ack', (subject) => {
    const c = classifyMessage(mail(['From: amira@news.example', `Subject: ${subject}`]));
    expect(c).toMatchObject({ kind: 'auto-reply', probable: true, suppressAutoAck: true });
    expect(c.reason).toMatch(/^subject starts "/);
  });

  it("Apple iCloud's vacation header alone is a guess too", () => {
    const c = classifyMessage(mail(['From: a@icloud.example', 'Subject: Nyaan', 'X-Apple-Action: VACATION']));
    expect(c).toMatchObject({ kind: 'auto-reply', probable: true, reason: 'X-Apple-Action: VACATION' });
  });
});

describe('read receipts (RFC 8098)', () => {
  it('multipart/report; report-type=disposition-notification → auto-reply', () => {
    const c = classifyMessage(
      mail(headersWith('Content-Type: multipart/report; report-type=disposition-notification; boundary="x"')),
    );
    expect(c).toMatchObject({ kind: 'auto-reply', probable: false });
  });
});

const DSN_HEADERS = [
  'Return-Path: <>',
  'From: Mail Delivery System <MAILER-DAEMON@mx.ministry.example>',
  'To: press@ministry.example',
  'Subject: Undelivered Mail Returned to Sender',
  'Auto-Submitted: auto-replied',
  'Content-Type: multipart/report; report-type=delivery-status;',
  '\tboundary="B"',
];

const PER_MESSAGE =
  'Reporting-MTA: dns; mx.ministry.example\nArrival-Date: Thu, 1 May 2025 10:00:00 +0000\n\n';

describe('L-11 RFC 3464 delivery status notifications', () => {
  const original = [
    'From: Press Office <press@ministry.example>',
    'To: amira@news.example',
    'Subject: Re: Budget',
    'Message-ID: <nd.42.k3j4@ministry.example>',
    '',
    'Our statement is attached.',
  ].join('\r\n');

  it('a bounce carrying Auto-Submitted: auto-replied is a bounce, with recipients and the original id', () => {
    const dsn =
      PER_MESSAGE +
      'Final-Recipient: rfc822; amira@news.example\nOriginal-Recipient: rfc822;amira@news.example\nAction: failed\n' +
      'Status: 5.1.1\nRemote-MTA: dns; mx.news.example\nDiagnostic-Code: smtp; 550 5.1.1 <amira@news.example>:\n' +
      '    Recipient address rejected: User unknown\n';
    const c = classifyMessage(
      mail(DSN_HEADERS, {
        text: 'I could not deliver your message.',
        attachments: [part('message/delivery-status', dsn), part('message/rfc822', original)],
      }),
    );
    expect(c).toMatchObject({
      kind: 'bounce',
      suppressAutoAck: true,
      probable: false,
      reason: 'delivery status notification (RFC 3464)',
    });
    expect(c.bounce).toEqual({
      originalMessageIds: ['nd.42.k3j4@ministry.example'],
      recipients: [
        {
          address: 'amira@news.example',
          action: 'failed',
          status: '5.1.1',
          diagnostic: '550 5.1.1 <amira@news.example>: Recipient address rejected: User unknown',
        },
      ],
      outcome: 'failed',
    });
  });

  it('reads several recipients, Original-Recipient first, and a status with a comment', () => {
    const dsn =
      PER_MESSAGE +
      'Final-Recipient: rfc822; r@mx.news.example\nOriginal-Recipient: rfc822;amira@news.example\nAction: failed\nStatus: 5.0.0 (permanent failure)\n\n' +
      'Final-Recipient: RFC822; <desk@news.example>\nAction: delivered\nStatus: 2.0.0\n';
    const c = classifyMessage(mail(DSN_HEADERS, { attachments: [part('message/delivery-status', dsn)] }));
    expect(c.bounce?.recipients).toEqual([
      { address: 'amira@news.example', action: 'failed', status: '5.0.0', diagnostic: null },
      { address: 'desk@news.example', action: 'delivered', status: '2.0.0', diagnostic: null },
    ]);
    expect(c.bounce?.outcome).toBe('failed');
  });

  it('takes the id from text/rfc822-headers', () => {
    const headersPart =
      'From: press@ministry.example\nMessage-ID: <nd.7.zz@ministry.example>\nSubject: Re: x\n';
    const dsn = PER_MESSAGE + 'Final-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.2.2\n';
    const c = classifyMessage(
      mail(DSN_HEADERS, {
        attachments: [part('message/delivery-status', dsn), part('text/rfc822-headers', headersPart)],
      }),
    );
    expect(c.bounce?.originalMessageIds).toEqual(['nd.7.zz@ministry.example']);
  });

  it('a report whose MIME boundaries are broken is read from the raw body', () => {
    const body =
      'The original message was received at …\n\n' +
      PER_MESSAGE +
      'Final-Recipient: RFC822; amira@news.example\nAction: failed\nStatus: 5.5.0\n\n' +
      'Return-Path: <press@ministry.example>\nMessage-Id: <nd.1.a@ministry.example>\nSubject: x\n\nhello\n';
    const c = classifyMessage(mail(DSN_HEADERS, { text: body, raw: true }));
    // The parser found no text (postal-mime gives '' for such reports); only raw has the fields.
    const fromRaw = classifyMessage({ ...mail(DSN_HEADERS, { text: body, raw: true }), text: '' });
    for (const result of [c, fromRaw]) {
      expect(result.kind).toBe('bounce');
      expect(result.bounce?.recipients).toEqual([
        { address: 'amira@news.example', action: 'failed', status: '5.5.0', diagnostic: null },
      ]);
      expect(result.bounce?.originalMessageIds).toEqual(['nd.1.a@ministry.example']);
    }
  });

  it('a list relaying a DSN (List-Id, Precedence: bulk) is still a bounce (rfc3464-07)', () => {
    const c = classifyMessage(
      mail([...DSN_HEADERS, 'List-Id: <x.lists.example>', 'Precedence: bulk'], {
        attachments: [
          part(
            'message/delivery-status',
            PER_MESSAGE + 'Final-Recipient: rfc822; a@b.example\nAction: failed\n',
          ),
        ],
      }),
    );
    expect(c.kind).toBe('bounce');
  });

  it('a delivery-status part from a mail system counts even without the report wrapper', () => {
    const c = classifyMessage(
      mail(
        ['From: MAILER-DAEMON@mx.example', 'Subject: notice', 'Content-Type: multipart/mixed; boundary=x'],
        {
          attachments: [
            part('message/delivery-status', 'Final-Recipient: rfc822; a@b.example\nStatus: 5.1.1\n'),
          ],
        },
      ),
    );
    expect(c).toMatchObject({ kind: 'bounce', reason: 'delivery-status part (RFC 3464)' });
    expect(c.bounce?.recipients[0]).toMatchObject({ action: 'failed', status: '5.1.1' });
  });
});

describe('L-12 non-standard bounces', () => {
  it('X-Failed-Recipients (Exim) with the copied original in the body', () => {
    const text = [
      'This message was created automatically by mail delivery software.',
      '',
      'A message that you sent could not be delivered to one or more of its',
      'recipients. This is a permanent error. The following address(es) failed:',
      '',
      '  amira@news.example',
      '    SMTP error from remote mail server after RCPT TO:<amira@news.example>:',
      '    host mx.news.example [192.0.2.20]: 550 5.1.1 <amira@news.example>... User unknown',
      '  desk@news.example',
      '    host mx.news.example [192.0.2.20]: 452 4.2.2 Mailbox full',
      '',
      '------ This is a copy of the message, including all the headers. ------',
      '',
      'Return-path: <press@ministry.example>',
      'Message-Id: <nd.9.q1@ministry.example>',
      'From: press@ministry.example',
      '',
      'Message-Id: <typed-in-the-body@elsewhere.example>',
    ].join('\n');
    const c = classifyMessage(
      mail(
        [
          'Return-Path: <>',
          'From: Mail Delivery System <Mailer-Daemon@mx.ministry.example>',
          'To: press@ministry.example',
          'Subject: Mail delivery failed: returning message to sender',
          'X-Failed-Recipients: amira@news.example,',
          '  desk@news.example',
          'Auto-Submitted: auto-replied',
        ],
        { text },
      ),
    );
    expect(c).toMatchObject({ kind: 'bounce', reason: 'X-Failed-Recipients header' });
    expect(c.bounce).toEqual({
      originalMessageIds: ['nd.9.q1@ministry.example'],
      recipients: [
        {
          address: 'amira@news.example',
          action: 'failed',
          status: '5.1.1',
          diagnostic: '550 5.1.1 <amira@news.example>... User unknown',
        },
        {
          address: 'desk@news.example',
          action: 'delayed',
          status: '4.2.2',
          diagnostic: '452 4.2.2 Mailbox full',
        },
      ],
      outcome: 'failed',
    });
  });

  it('qmail: From MAILER-DAEMON, "failure notice", reply code only → 5.0.0 class status', () => {
    const text = [
      'Hi. This is the qmail-send program at mx.ministry.example.',
      "I'm afraid I wasn't able to deliver your message to the following addresses.",
      '',
      '<amira@news.example>:',
      'remote host 192.0.2.32 said: 550 Unknown user amira@news.example',
      '',
      '--- Below this line is a copy of the message.',
      '',
      'Return-Path: <press@ministry.example>',
      'Message-ID: <nd.3.x@ministry.example>',
    ].join('\n');
    const c = classifyMessage(
      mail(
        ['From: MAILER-DAEMON@mx.ministry.example', 'To: press@ministry.example', 'Subject: failure notice'],
        {
          text,
        },
      ),
    );
    expect(c.kind).toBe('bounce');
    expect(c.reason).toBe('From mailer-daemon@mx.ministry.example and subject "failure notice"');
    expect(c.bounce).toEqual({
      originalMessageIds: ['nd.3.x@ministry.example'],
      recipients: [
        {
          address: 'amira@news.example',
          action: 'failed',
          status: '5.0.0',
          diagnostic: '550 Unknown user amira@news.example',
        },
      ],
      outcome: 'failed',
    });
  });

  it('Return-Path: <> with an "Undeliverable:" subject from an ordinary-looking address', () => {
    const c = classifyMessage(
      mail(
        [
          'Return-Path: <>',
          'From: System Administrator <admin@news.example>',
          'Subject: Undeliverable: Budget',
        ],
        {
          text: 'Your message did not reach the following recipient(s):\n\namira@news.example on 1 May 2025\n',
        },
      ),
    );
    expect(c.kind).toBe('bounce');
    expect(c.bounce?.recipients).toEqual([
      { address: 'amira@news.example', action: 'failed', status: null, diagnostic: null },
    ]);
    expect(c.bounce?.originalMessageIds).toEqual([]);
  });

  it('Gmail: the original id from In-Reply-To when the body has none', () => {
    const c = classifyMessage(
      mail(
        [
          'From: Mail Delivery Subsystem <mailer-daemon@googlemail.example>',
          'To: press@ministry.example',
          'Subject: Delivery Status Notification (Failure)',
          'In-Reply-To: <nd.5.y@ministry.example>',
          'X-Failed-Recipients: group@groups.example',
        ],
        { text: 'The group you tried to contact may not exist.' },
      ),
    );
    expect(c.bounce?.originalMessageIds).toEqual(['nd.5.y@ministry.example']);
    expect(c.bounce?.recipients).toEqual([
      { address: 'group@groups.example', action: 'failed', status: null, diagnostic: null },
    ]);
  });

  it('Exchange marks its NDRs with X-MS-Exchange-Message-Is-Ndr', () => {
    const c = classifyMessage(
      mail(['From: someone@corp.example', 'Subject: x', 'X-MS-Exchange-Message-Is-Ndr: ']),
    );
    expect(c.kind).toBe('bounce');
  });
});

describe('L-13 delay notifications', () => {
  it('Action: delayed with 4.x.x → outcome delayed, not failed', () => {
    const dsn = PER_MESSAGE + 'Final-Recipient: rfc822; amira@news.example\nAction: Delayed\nStatus: 4.4.7\n';
    const c = classifyMessage(
      mail(
        [
          ...DSN_HEADERS.filter((l) => !l.startsWith('Subject')),
          'Subject: Delayed Mail (still being retried)',
        ],
        {
          attachments: [part('message/delivery-status', dsn)],
        },
      ),
    );
    expect(c.kind).toBe('bounce');
    expect(c.bounce?.outcome).toBe('delayed');
    expect(c.bounce?.recipients[0]).toMatchObject({ action: 'delayed', status: '4.4.7' });
  });

  it('one permanent failure among delays → failed', () => {
    const dsn =
      PER_MESSAGE +
      'Final-Recipient: rfc822; a@news.example\nAction: delayed\nStatus: 4.4.1\n\n' +
      'Final-Recipient: rfc822; b@news.example\nAction: failed\nStatus: 5.1.1\n';
    const c = classifyMessage(mail(DSN_HEADERS, { attachments: [part('message/delivery-status', dsn)] }));
    expect(c.bounce?.outcome).toBe('failed');
  });

  it('a plain-text delay warning with only a 4xx code', () => {
    const c = classifyMessage(
      mail(
        ['From: MAILER-DAEMON@mx.example', 'To: press@ministry.example', 'Subject: Warning: message delayed'],
        {
          text: 'Delivery to amira@news.example has been delayed.\n451 Temporary local problem, will keep trying\n',
        },
      ),
    );
    expect(c.bounce).toMatchObject({
      outcome: 'delayed',
      recipients: [{ address: 'amira@news.example', action: 'delayed', status: '4.0.0' }],
    });
  });
});

describe('L-14 ARF feedback reports', () => {
  it('report-type=feedback-report → abuse-report, never answered', () => {
    const c = classifyMessage(
      mail(
        [
          'From: Mail AntiSpam Feedback <feedback@arf.mail.example>',
          'Subject: Fw: Budget',
          'Content-Type: multipart/report; boundary="x"; report-type="feedback-report"',
        ],
        {
          text: 'This is an email abuse report.',
          attachments: [
            part('message/feedback-report', 'Feedback-Type: abuse\nUser-Agent: x/1.0\nVersion: 1\n'),
          ],
        },
      ),
    );
    expect(c).toEqual({
      kind: 'abuse-report',
      suppressAutoAck: true,
      probable: false,
      reason: 'feedback report (RFC 5965 ARF): abuse',
    });
  });
});

describe('L-15 bounce of our bounce/ack, and null senders', () => {
  it('a DSN about our auto-ack (itself null-sender, Auto-Submitted) is a bounce, never answered', () => {
    const ourAck = [
      'Return-Path: <>',
      'From: Press Office <press@ministry.example>',
      'Auto-Submitted: auto-replied',
      'X-Auto-Response-Suppress: All',
      'Message-ID: <nd.12.ack@ministry.example>',
      'Subject: We received your enquiry',
    ].join('\n');
    const dsn =
      PER_MESSAGE + 'Final-Recipient: rfc822; noreply@news.example\nAction: failed\nStatus: 5.1.1\n';
    const c = classifyMessage(
      mail(DSN_HEADERS, {
        attachments: [part('message/delivery-status', dsn), part('text/rfc822-headers', ourAck)],
      }),
    );
    expect(c).toMatchObject({ kind: 'bounce', suppressAutoAck: true });
    expect(c.bounce?.originalMessageIds).toEqual(['nd.12.ack@ministry.example']);
  });

  it('a null reverse-path with nothing else is probably automatic and never answered (RFC 5321 §4.5.5)', () => {
    const c = classifyMessage(
      mail(['Return-Path: <>', 'From: robot@news.example', 'Subject: Hello'], { text: 'hi' }),
    );
    expect(c).toMatchObject({ kind: 'auto-reply', probable: true, suppressAutoAck: true });
    expect(c.reason).toBe('null return path (Return-Path: <>)');
  });

  it('an auto-reply with Return-Path <> and Auto-Submitted is certain (rfc3834-05)', () => {
    const c = classifyMessage(
      mail(
        [
          'Return-Path: <>',
          'From: <foo@bar.example>',
          'Subject: kitununulinitoquekegu',
          'Auto-Submitted: auto-replied',
        ],
        {
          text: 'zukünftig karl@hanz.example',
        },
      ),
    );
    expect(c).toMatchObject({ kind: 'auto-reply', probable: false });
  });
});

describe('robustness', () => {
  it('empty input is human and does not throw', () => {
    const c = classifyMessage({
      headers: new Map(),
      from: { name: null, address: '' },
      subject: '',
      text: '',
      attachments: [],
    });
    expect(c.kind).toBe('human');
  });

  it('a bounce with no readable detail still classifies, with an empty report', () => {
    const c = classifyMessage(mail(DSN_HEADERS));
    expect(c.kind).toBe('bounce');
    expect(c.bounce).toEqual({ originalMessageIds: [], recipients: [], outcome: 'other' });
  });

  it('IP addresses are never taken for status codes', () => {
    const c = classifyMessage(
      mail(['From: MAILER-DAEMON@mx.example', 'To: press@ministry.example', 'Subject: failure notice'], {
        text: '<amira@news.example>:\nconnection to 192.0.2.5.1 and 10.4.4.1 refused\n',
      }),
    );
    expect(c.bounce?.recipients[0]?.status).toBeNull();
  });
});
