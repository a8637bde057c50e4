import { describe, it, expect } from 'vitest';
import {
  chooseThread,
  referencedIds,
  type SubjectCandidate,
  type ThreadingContext,
  type ThreadingMessage,
} from '../../../server/domain/threading.ts';
import { normalizeSubject } from '../../../server/domain/subject.ts';

const DAY = 86_400_000;
const NOW = new Date('2025-03-01T12:00:00Z');

function message(overrides: Partial<ThreadingMessage> = {}): ThreadingMessage {
  return {
    messageId: 'new@mail.example',
    inReplyTo: [],
    references: [],
    subject: 'Budget 2025',
    correspondent: 'amira@news.example',
    date: NOW,
    ...overrides,
  };
}

function context(overrides: Partial<ThreadingContext> = {}): ThreadingContext {
  return { referenced: [], referencing: [], subjectCandidates: [], now: NOW, ...overrides };
}

function candidate(
  threadId: number,
  subject: string,
  correspondent: string,
  daysAgo: number,
): SubjectCandidate {
  return {
    threadId,
    normalizedSubject: normalizeSubject(subject).base,
    correspondents: [correspondent],
    lastActivityAt: new Date(NOW.getTime() - daysAgo * DAY),
  };
}

describe('referencedIds', () => {
  it('puts In-Reply-To first, then References from the nearest ancestor back to the root', () => {
    expect(
      referencedIds({ messageId: 'm@x', inReplyTo: ['p@x'], references: ['root@x', 'mid@x', 'p@x'] }),
    ).toEqual(['p@x', 'mid@x', 'root@x']);
  });

  it('keeps an In-Reply-To that References dropped', () => {
    expect(
      referencedIds({ messageId: 'm@x', inReplyTo: ['ours.t7@newsdesk.example'], references: [] }),
    ).toEqual(['ours.t7@newsdesk.example']);
  });

  it('excludes the message’s own id (a self-reference is never a link) and duplicates', () => {
    expect(
      referencedIds({ messageId: 'm@x', inReplyTo: ['m@x', 'a@x'], references: ['a@x', 'm@x', 'b@x', ''] }),
    ).toEqual(['a@x', 'b@x']);
  });

  it('is empty for a first message', () => {
    expect(referencedIds({ messageId: 'm@x', inReplyTo: [], references: [] })).toEqual([]);
  });
});

describe('chooseThread: header links', () => {
  it('joins the thread of a referenced stored message', () => {
    const decision = chooseThread(
      message({ inReplyTo: ['a@x'], references: ['a@x'] }),
      context({ referenced: [{ messageId: 'a@x', threadId: 7 }] }),
    );
    expect(decision).toEqual({ kind: 'existing', threadId: 7, via: 'references', mergeThreadIds: [] });
  });

  it('finds our outgoing reply by In-Reply-To alone when the client dropped References', () => {
    const decision = chooseThread(
      message({ inReplyTo: ['newsdesk.t12.1f2e@press.example'], subject: 'Re: something else entirely' }),
      context({ referenced: [{ messageId: 'newsdesk.t12.1f2e@press.example', threadId: 12 }] }),
    );
    expect(decision).toMatchObject({ kind: 'existing', threadId: 12, via: 'references' });
  });

  it('needs no correspondent match or window for header links (a colleague replying a year later)', () => {
    const decision = chooseThread(
      message({
        correspondent: 'editor@other.example',
        inReplyTo: ['a@x'],
        date: new Date(NOW.getTime() + 0),
      }),
      context({ referenced: [{ messageId: 'a@x', threadId: 3 }], now: new Date(NOW.getTime() + 400 * DAY) }),
    );
    expect(decision).toMatchObject({ kind: 'existing', threadId: 3 });
  });

  it('merges two threads a message references into the oldest (smallest id)', () => {
    const decision = chooseThread(
      message({ references: ['a@x', 'b@x', 'c@x'] }),
      context({
        referenced: [
          { messageId: 'c@x', threadId: 9 },
          { messageId: 'a@x', threadId: 4 },
          { messageId: 'b@x', threadId: 9 },
          { messageId: 'd@x', threadId: 6 },
        ],
      }),
    );
    expect(decision).toEqual({ kind: 'existing', threadId: 4, via: 'references', mergeThreadIds: [6, 9] });
  });

  it('joins the thread of a child that arrived before its parent', () => {
    const decision = chooseThread(message(), context({ referencing: [{ threadId: 15 }] }));
    expect(decision).toEqual({ kind: 'existing', threadId: 15, via: 'child', mergeThreadIds: [] });
  });

  it('merges the children’s threads when several arrived first', () => {
    const decision = chooseThread(
      message(),
      context({ referencing: [{ threadId: 15 }, { threadId: 11 }, { threadId: 15 }] }),
    );
    expect(decision).toEqual({ kind: 'existing', threadId: 11, via: 'child', mergeThreadIds: [15] });
  });

  it('merges a parent’s thread with an early child’s thread', () => {
    const decision = chooseThread(
      message({ inReplyTo: ['p@x'] }),
      context({ referenced: [{ messageId: 'p@x', threadId: 20 }], referencing: [{ threadId: 5 }] }),
    );
    expect(decision).toEqual({ kind: 'existing', threadId: 5, via: 'references', mergeThreadIds: [20] });
  });

  it('ignores a stored message with the new message’s own id (self-reference)', () => {
    const decision = chooseThread(
      message({ references: ['new@mail.example'], subject: 'Press enquiry' }),
      context({ referenced: [{ messageId: 'new@mail.example', threadId: 2 }] }),
    );
    expect(decision).toEqual({ kind: 'new' });
  });

  it('prefers header links over a subject match', () => {
    const decision = chooseThread(
      message({ inReplyTo: ['a@x'], subject: 'Re: Budget 2025' }),
      context({
        referenced: [{ messageId: 'a@x', threadId: 8 }],
        subjectCandidates: [candidate(2, 'Budget 2025', 'amira@news.example', 1)],
      }),
    );
    expect(decision).toMatchObject({ threadId: 8, via: 'references' });
  });
});

describe('chooseThread: subject fallback', () => {
  it('joins the same journalist’s thread on a Re: without any References', () => {
    const decision = chooseThread(
      message({ subject: 'Re: Budget 2025' }),
      context({ subjectCandidates: [candidate(4, 'Budget 2025', 'amira@news.example', 2)] }),
    );
    expect(decision).toEqual({ kind: 'existing', threadId: 4, via: 'subject', mergeThreadIds: [] });
  });

  it('also runs when the headers name only ids we never stored', () => {
    const decision = chooseThread(
      message({ subject: 'RE: Budget 2025', inReplyTo: ['sent-from-a-phone@elsewhere.example'] }),
      context({ subjectCandidates: [candidate(4, 'Budget 2025', 'amira@news.example', 2)] }),
    );
    expect(decision).toMatchObject({ threadId: 4, via: 'subject' });
  });

  it('joins a specific subject resent without prefix (a journalist chasing an answer)', () => {
    const decision = chooseThread(
      message({ subject: 'Budget 2025' }),
      context({ subjectCandidates: [candidate(4, 'Budget 2025', 'amira@news.example', 5)] }),
    );
    expect(decision).toMatchObject({ threadId: 4, via: 'subject' });
  });

  it('never merges two journalists’ enquiries with the same subject', () => {
    for (const subject of ['Press enquiry', 'Re: Press enquiry', 'Budget 2025', 'Re: Budget 2025']) {
      const decision = chooseThread(
        message({ subject, correspondent: 'tom@paper.example' }),
        context({ subjectCandidates: [candidate(4, subject, 'amira@news.example', 1)] }),
      );
      expect(decision, subject).toEqual({ kind: 'new' });
    }
  });

  it('treats a second brand-new "Press enquiry" from the same journalist as a new enquiry', () => {
    const decision = chooseThread(
      message({ subject: 'Press enquiry' }),
      context({ subjectCandidates: [candidate(4, 'Press enquiry', 'amira@news.example', 7)] }),
    );
    expect(decision).toEqual({ kind: 'new' });
  });

  it('joins a generic subject only with an explicit reply prefix', () => {
    const decision = chooseThread(
      message({ subject: 'Re: Press enquiry' }),
      context({ subjectCandidates: [candidate(4, 'Press enquiry', 'amira@news.example', 7)] }),
    );
    expect(decision).toMatchObject({ threadId: 4, via: 'subject' });
  });

  it('does not count a forward prefix as a reply on a generic subject', () => {
    const decision = chooseThread(
      message({ subject: 'Fwd: Press enquiry' }),
      context({ subjectCandidates: [candidate(4, 'Press enquiry', 'amira@news.example', 1)] }),
    );
    expect(decision).toEqual({ kind: 'new' });
  });

  it('joins by an empty subject only after a reply prefix', () => {
    const ctx = context({ subjectCandidates: [candidate(4, '', 'amira@news.example', 1)] });
    expect(chooseThread(message({ subject: '' }), ctx)).toEqual({ kind: 'new' });
    expect(chooseThread(message({ subject: 'Re:' }), ctx)).toMatchObject({ threadId: 4 });
  });

  it('handles Arabic prefixes and generic Arabic subjects', () => {
    const ctx = context({ subjectCandidates: [candidate(6, 'استفسار', 'amira@news.example', 3)] });
    expect(chooseThread(message({ subject: 'استفسار' }), ctx)).toEqual({ kind: 'new' });
    expect(chooseThread(message({ subject: 'رد: استفسار' }), ctx)).toMatchObject({
      threadId: 6,
      via: 'subject',
    });
    const specific = context({ subjectCandidates: [candidate(8, 'ميزانية 2025', 'amira@news.example', 3)] });
    expect(chooseThread(message({ subject: 'إعادة توجيه: رد: ميزانية 2025' }), specific)).toMatchObject({
      threadId: 8,
    });
  });

  it('handles German AW:/WG: prefixes', () => {
    const decision = chooseThread(
      message({ subject: 'AW: WG: Anfrage zum Haushalt' }),
      context({ subjectCandidates: [candidate(9, 'Anfrage zum Haushalt', 'amira@news.example', 3)] }),
    );
    expect(decision).toMatchObject({ threadId: 9, via: 'subject' });
  });

  it('starts a new thread when the last activity is beyond the window', () => {
    const ctx = context({ subjectCandidates: [candidate(4, 'Budget 2025', 'amira@news.example', 31)] });
    expect(chooseThread(message({ subject: 'Re: Budget 2025' }), ctx)).toEqual({ kind: 'new' });
  });

  it('includes the window boundary and honours a custom window', () => {
    const at30 = context({ subjectCandidates: [candidate(4, 'Budget 2025', 'amira@news.example', 30)] });
    expect(chooseThread(message({ subject: 'Re: Budget 2025' }), at30)).toMatchObject({ threadId: 4 });
    const week = context({
      windowDays: 7,
      subjectCandidates: [candidate(4, 'Budget 2025', 'amira@news.example', 8)],
    });
    expect(chooseThread(message({ subject: 'Re: Budget 2025' }), week)).toEqual({ kind: 'new' });
  });

  it('measures the window from the message date during a backfill, not from now', () => {
    const sent = new Date('2024-01-10T00:00:00Z');
    const ctx = context({
      subjectCandidates: [
        {
          threadId: 4,
          normalizedSubject: 'budget 2025',
          correspondents: ['amira@news.example'],
          lastActivityAt: new Date('2024-01-05T00:00:00Z'),
        },
      ],
    });
    expect(chooseThread(message({ subject: 'Re: Budget 2025', date: sent }), ctx)).toMatchObject({
      threadId: 4,
    });
  });

  it('measures a future-dated or undated message from now', () => {
    const ctx = context({ subjectCandidates: [candidate(4, 'Budget 2025', 'amira@news.example', 2)] });
    expect(
      chooseThread(message({ subject: 'Re: Budget 2025', date: new Date('2099-01-01T00:00:00Z') }), ctx),
    ).toMatchObject({ threadId: 4 });
    expect(
      chooseThread(message({ subject: 'Re: Budget 2025', date: new Date(Number.NaN) }), ctx),
    ).toMatchObject({
      threadId: 4,
    });
  });

  it('picks the most recently active of several matching threads', () => {
    const decision = chooseThread(
      message({ subject: 'Re: Press enquiry' }),
      context({
        subjectCandidates: [
          candidate(3, 'Press enquiry', 'amira@news.example', 20),
          candidate(5, 'Press enquiry', 'amira@news.example', 2),
          candidate(4, 'Press enquiry', 'amira@news.example', 9),
        ],
      }),
    );
    expect(decision).toEqual({ kind: 'existing', threadId: 5, via: 'subject', mergeThreadIds: [] });
  });

  it('compares correspondents case-insensitively and refuses an unknown correspondent', () => {
    const ctx = context({ subjectCandidates: [candidate(4, 'Budget 2025', 'Amira@News.example', 1)] });
    expect(
      chooseThread(message({ subject: 'Re: Budget 2025', correspondent: 'amira@news.EXAMPLE' }), ctx),
    ).toMatchObject({
      threadId: 4,
    });
    expect(chooseThread(message({ subject: 'Re: Budget 2025', correspondent: '' }), ctx)).toEqual({
      kind: 'new',
    });
  });

  it('ignores a candidate whose normalised subject differs', () => {
    const decision = chooseThread(
      message({ subject: 'Re: Budget 2026' }),
      context({ subjectCandidates: [candidate(4, 'Budget 2025', 'amira@news.example', 1)] }),
    );
    expect(decision).toEqual({ kind: 'new' });
  });

  it('starts a new thread when nothing matches', () => {
    expect(chooseThread(message(), context())).toEqual({ kind: 'new' });
  });
});
