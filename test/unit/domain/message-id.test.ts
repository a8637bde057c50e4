import { describe, it, expect } from 'vitest';
import { normalizeMessageId, parseMessageIdList } from '../../../server/domain/message-id.ts';

describe('normalizeMessageId', () => {
  it.each([
    ['<abc.123@example.com>', 'abc.123@example.com'],
    ['  <abc.123@example.com>\r\n', 'abc.123@example.com'],
    ['abc.123@example.com', 'abc.123@example.com'],
    ['< abc@example.com >', 'abc@example.com'],
    ['<abc@example.com> (added by the MTA)', 'abc@example.com'],
    ['(comment) <abc@example.com>', 'abc@example.com'],
    ['abc@example.com (comment)', 'abc@example.com'],
    ['<abc@example.com', 'abc@example.com'],
    ['<a@[192.0.2.1]>', 'a@[192.0.2.1]'],
    ['<CAF=+x/Y_9@mail.gmail.com>', 'CAF=+x/Y_9@mail.gmail.com'],
    ['<newsdesk.t42.9f3a@press.example.org>', 'newsdesk.t42.9f3a@press.example.org'],
  ])('%j → %j', (raw, id) => {
    expect(normalizeMessageId(raw)).toBe(id);
  });

  it('keeps the case of both halves: Message-IDs compare as opaque strings', () => {
    expect(normalizeMessageId('<AbC@Example.COM>')).toBe('AbC@Example.COM');
  });

  it.each([
    ['', 'empty'],
    ['   ', 'blank'],
    ['<>', 'empty brackets'],
    ['<a b@example.com>', 'a space inside'],
    ['<unknown>', 'no @ (a placeholder that would link unrelated mail)'],
    ['<@example.com>', 'empty left part'],
    ['<abc@>', 'empty right part'],
    ['a@example.com b@example.com', 'two bare words'],
    ['<a\u0000b@example.com>', 'a control character'],
    [`<${'x'.repeat(1000)}@example.com>`, 'longer than a header line'],
  ])('rejects %j (%s)', (raw) => {
    expect(normalizeMessageId(raw)).toBeNull();
  });

  it('takes the first id when a broken Message-ID header holds two', () => {
    expect(normalizeMessageId('<a@example.com> <b@example.com>')).toBe('a@example.com');
  });
});

describe('parseMessageIdList', () => {
  it('returns nothing for a missing or empty header', () => {
    expect(parseMessageIdList(undefined)).toEqual([]);
    expect(parseMessageIdList('')).toEqual([]);
    expect(parseMessageIdList('   ')).toEqual([]);
  });

  it('reads ids in order from a folded References header', () => {
    expect(parseMessageIdList('<a@example.com>\r\n\t<b@example.com>\r\n <c@example.com>')).toEqual([
      'a@example.com',
      'b@example.com',
      'c@example.com',
    ]);
  });

  it('accepts ids run together or separated by commas', () => {
    expect(parseMessageIdList('<a@example.com><b@example.com>,<c@example.com>')).toEqual([
      'a@example.com',
      'b@example.com',
      'c@example.com',
    ]);
  });

  it('ignores junk text and comments between ids, including an address inside a comment', () => {
    expect(
      parseMessageIdList(
        `<a@example.com> (Joe's message of "Mon, 1 Jan 2024 10:00" <joe@example.com>) <b@example.com>`,
      ),
    ).toEqual(['a@example.com', 'b@example.com']);
  });

  it('reads an old-style In-Reply-To with a phrase', () => {
    expect(
      parseMessageIdList('Your message of "Tue, 17 Nov 2009 14:00:54 -0500" <x.y@host.example>'),
    ).toEqual(['x.y@host.example']);
  });

  it('accepts ids without angle brackets when the client wrote none', () => {
    expect(parseMessageIdList('a@example.com b@example.com')).toEqual(['a@example.com', 'b@example.com']);
  });

  it('ignores bare words when bracketed ids are present (they are a phrase)', () => {
    expect(parseMessageIdList('joe@example.com wrote <a@example.com>')).toEqual(['a@example.com']);
  });

  it('drops malformed ids and keeps the good ones', () => {
    expect(parseMessageIdList('<a b@example.com> <unknown> <> <c@example.com>')).toEqual(['c@example.com']);
  });

  it('survives an unclosed bracket without swallowing the next id', () => {
    expect(parseMessageIdList('<a@example.com <b@example.com>')).toEqual(['a@example.com', 'b@example.com']);
  });

  it('removes duplicates, keeping the first occurrence', () => {
    expect(
      parseMessageIdList('<a@x.example> <b@x.example> <a@x.example> <c@x.example> <b@x.example>'),
    ).toEqual(['a@x.example', 'b@x.example', 'c@x.example']);
  });

  it('bounds a 10,000-id header to the root plus the last 100 ids, quickly', () => {
    const header = Array.from({ length: 10_000 }, (_, i) => `<id${i}@host.example>`).join('\r\n ');
    const started = performance.now();
    const ids = parseMessageIdList(header);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(ids).toHaveLength(101);
    expect(ids[0]).toBe('id0@host.example');
    expect(ids[1]).toBe('id9900@host.example');
    expect(ids[100]).toBe('id9999@host.example');
  });

  it('keeps a header of exactly 101 ids whole', () => {
    const header = Array.from({ length: 101 }, (_, i) => `<id${i}@h.example>`).join(' ');
    expect(parseMessageIdList(header)).toHaveLength(101);
  });
});
