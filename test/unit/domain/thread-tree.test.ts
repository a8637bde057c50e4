import { describe, it, expect } from 'vitest';
import {
  buildThreadTree,
  parentOf,
  type ThreadNode,
  type ThreadTreeOptions,
  type TreeMessage,
} from '../../../server/domain/thread-tree.ts';

type Msg = TreeMessage & { id: number };

/** A message numbered `id` (its Message-ID is `<id>@x`), sent `id` minutes after the epoch unless told. */
function msg(id: number, refs: number[] = [], extra: Partial<Msg> = {}): Msg {
  return {
    id,
    messageId: `${id}@x`,
    references: refs.map((r) => `${r}@x`),
    subject: '',
    date: new Date(id * 60_000),
    ...extra,
  };
}

/** RFC 5256 THREAD syntax of a forest, e.g. "(1 (2 4)(3))", which makes structure and order visible. */
function thread(messages: Msg[], options?: ThreadTreeOptions): string {
  const one = (n: ThreadNode<Msg>): string => {
    const head = n.message ? String(n.message.id) : '';
    if (n.children.length === 0) return head;
    const tail =
      n.children.length === 1 ? one(n.children[0]!) : n.children.map((c) => `(${one(c)})`).join('');
    return head ? `${head} ${tail}` : tail;
  };
  return buildThreadTree(messages, options)
    .map((t) => `(${one(t)})`)
    .join('');
}

describe('buildThreadTree', () => {
  it('builds a chain and a branch from References', () => {
    expect(thread([msg(1), msg(2, [1]), msg(3, [1, 2]), msg(4, [1])])).toBe('(1 (2 3)(4))');
  });

  it('uses In-Reply-To when there is no References header (RFC 5256)', () => {
    expect(thread([msg(1), msg(2, [], { inReplyTo: '1@x' })])).toBe('(1 2)');
  });

  it('orders siblings by sent date, then by input order', () => {
    const t = new Date(1_000_000);
    expect(
      thread([
        msg(1),
        msg(4, [1], { date: new Date(9_000_000) }),
        msg(2, [1], { date: t }),
        msg(3, [1], { date: t }),
      ]),
    ).toBe('(1 (2)(3)(4))');
    expect(
      thread([msg(5, [], { date: new Date(2) }), msg(6, [], { date: new Date(1) })], {
        groupBySubject: false,
      }),
    ).toBe('(6)(5)');
  });

  it('keeps a dummy for a missing root with several replies', () => {
    expect(thread([msg(2, [1]), msg(3, [1])])).toBe('((2)(3))');
  });

  it('promotes the only reply to a missing root', () => {
    expect(thread([msg(2, [1])])).toBe('(2)');
  });

  it('splices out a missing message in the middle of a chain', () => {
    // 3's parent 2 never arrived; References still tells us 2 was a reply to 1.
    expect(thread([msg(1), msg(3, [1, 2]), msg(4, [1, 2])])).toBe('(1 (3)(4))');
  });

  it('survives a reference loop (two messages naming each other)', () => {
    expect(thread([msg(1, [2]), msg(2, [1])])).toBe('(2 1)');
  });

  it('survives a longer reference loop', () => {
    const out = thread([msg(1, [3]), msg(2, [1]), msg(3, [2])]);
    expect(buildThreadTree([msg(1, [3]), msg(2, [1]), msg(3, [2])])).toHaveLength(1);
    expect(out).toMatch(/^\(\d \d \d\)$/);
  });

  it('drops a self-reference and keeps the real parent', () => {
    expect(thread([msg(1), msg(2, [1, 2])])).toBe('(1 2)');
    expect(thread([msg(1), msg(2, [2], { inReplyTo: '2@x' })])).toBe('(1)(2)');
  });

  it('refuses a parent that is the message’s own descendant (imaptest "thread")', () => {
    // 2 says its ancestors are 1 then 3; 3 says its parent is 2: 3 cannot also be 2's parent.
    const m = [
      msg(1, [], { date: new Date(17 * 3_600_000) }),
      msg(2, [1, 3], { date: new Date(15 * 3_600_000) }),
      msg(3, [2], { date: new Date(16 * 3_600_000) }),
    ];
    expect(thread(m)).toBe('(3 2)(1)');
  });

  it('gives a repeated Message-ID to the first message only', () => {
    const dup = msg(3, [1], { messageId: '2@x' });
    expect(thread([msg(1), msg(2, [1]), dup, msg(4, [2])])).toBe('(1 (2 4)(3))');
  });

  it('threads messages without a Message-ID', () => {
    expect(thread([msg(1), msg(2, [1], { messageId: '' }), msg(3, [], { messageId: '' })])).toBe('(1 2)(3)');
  });

  it('does not crash on an invalid date', () => {
    expect(thread([msg(1), msg(2, [1], { date: new Date(Number.NaN) })])).toBe('(1 2)');
  });

  it('lets a message’s own headers win over a parent guessed from another message’s References', () => {
    // 3 claims 2 is under 1; 2 itself says it replies to nothing we know, so 2 stays a root.
    expect(thread([msg(1), msg(2, [9]), msg(3, [1, 2])], { groupBySubject: false })).toBe('(1)(2 3)');
  });

  it('handles a 20,000-message chain and a hostile References web without recursion limits', () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => msg(i + 1, i ? [i] : []));
    const started = performance.now();
    const forest = buildThreadTree(chain);
    expect(forest).toHaveLength(1);
    expect(parentOf(forest).get(20_000)).toBe(19_999);
    const web = Array.from({ length: 2_000 }, (_, i) =>
      msg(
        i + 1,
        Array.from({ length: 100 }, (_, k) => ((i * 37 + k * 11) % 2_000) + 1),
      ),
    );
    expect(buildThreadTree(web).length).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('buildThreadTree: subject grouping (RFC 5256 step 5)', () => {
  it('hangs an unlinked "Re:" under the original with the same base subject', () => {
    expect(thread([msg(1, [], { subject: 'foo' }), msg(2, [], { subject: 'Re: foo' })])).toBe('(1 2)');
    expect(thread([msg(1, [], { subject: 'ميزانية' }), msg(2, [], { subject: 'رد: ميزانية' })])).toBe(
      '(1 2)',
    );
  });

  it('puts two originals with one subject under a dummy', () => {
    expect(thread([msg(1, [], { subject: 'foo' }), msg(2, [], { subject: 'foo' })])).toBe('((1)(2))');
  });

  it('can be switched off', () => {
    expect(
      thread([msg(1, [], { subject: 'foo' }), msg(2, [], { subject: 'Re: foo' })], { groupBySubject: false }),
    ).toBe('(1)(2)');
  });

  it('never groups empty subjects', () => {
    expect(thread([msg(1, [], { subject: '' }), msg(2, [], { subject: 'Re:' })])).toBe('(1)(2)');
  });
});

describe('buildThreadTree: parentFrom in-reply-to', () => {
  // notmuch "parent-priority": References mistyped on the child and reversed on the grand-child.
  const messages = [
    msg(1),
    msg(2, [], { references: ['1-typo@x'], inReplyTo: '1@x' }),
    msg(3, [], { references: ['2@x', '1@x'], inReplyTo: '2@x' }),
  ];

  it('trusts In-Reply-To when it names a message we have', () => {
    expect(thread(messages, { parentFrom: 'in-reply-to', groupBySubject: false })).toBe('(1 2 3)');
  });

  it('follows References by default, as RFC 5256 does', () => {
    // The mistyped root becomes a dummy above 2, and 3's reversed list hangs the real root under 2.
    expect(thread(messages, { groupBySubject: false })).toBe('(2 1 3)');
  });

  it('falls back to References when In-Reply-To names a message we do not have', () => {
    const m = [msg(1), msg(2, [1], { inReplyTo: 'ghost@x' })];
    expect(thread(m, { parentFrom: 'in-reply-to' })).toBe('(1 2)');
  });
});

describe('parentOf', () => {
  it('maps each message to the message it replies to, or null', () => {
    const parents = parentOf(
      buildThreadTree([msg(1), msg(2, [1]), msg(3, [1, 2]), msg(5, [4]), msg(6, [4])]),
    );
    expect(Object.fromEntries(parents)).toEqual({ 1: null, 2: 1, 3: 2, 5: null, 6: null });
  });

  it('skips spliced dummies to the nearest real ancestor', () => {
    expect(parentOf(buildThreadTree([msg(1), msg(3, [1, 2])])).get(3)).toBe(1);
  });

  it('reports the subject-grouped original as the parent of an unlinked reply', () => {
    expect(
      parentOf(buildThreadTree([msg(1, [], { subject: 'foo' }), msg(2, [], { subject: 'Re: foo' })])).get(2),
    ).toBe(1);
  });

  it('has an entry for every message, duplicates included', () => {
    const m = [msg(1), msg(2, [1]), msg(3, [1], { messageId: '2@x' }), msg(4, [4])];
    expect([...parentOf(buildThreadTree(m)).keys()].sort()).toEqual([1, 2, 3, 4]);
  });
});
