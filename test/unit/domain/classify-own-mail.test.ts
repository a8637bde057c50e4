// L-09: our own outgoing mail coming back into INBOX is recognised as ours.
import { describe, it, expect } from 'vitest';
import { isOwnMessage, type OwnIdentity } from '../../../server/domain/classify/own-mail.ts';

const SENT = new Set(['reply.42.k3j4q@press.ministry.example', 'legacy-1234@mail.ministry.example']);
const own: OwnIdentity = {
  address: 'press@ministry.example',
  messageIdDomain: 'press.ministry.example',
  knownOutgoingIds: (id) => SENT.has(id),
};

function input(messageId: string, from: string, headers: [string, string][] = []) {
  return { messageId, from, headers: new Map(headers.map(([k, v]) => [k, [v]])) };
}

describe('isOwnMessage', () => {
  it('a known id in our domain is ours, whoever relays it (a list rewrites From for DMARC)', () => {
    expect(
      isOwnMessage(
        input('<reply.42.k3j4q@press.ministry.example>', 'Press via Newsroom <newsroom@lists.example>'),
        own,
      ),
    ).toBe(true);
    expect(isOwnMessage(input('reply.42.k3j4q@press.ministry.example', 'press@ministry.example'), own)).toBe(
      true,
    );
  });

  it('an id in our domain that we never sent, from a stranger, is not ours (forged or guessed)', () => {
    expect(isOwnMessage(input('<reply.42.other@press.ministry.example>', 'mallory@evil.example'), own)).toBe(
      false,
    );
  });

  it('From our address with an id in our generated format is ours even if the outbox row is gone', () => {
    expect(
      isOwnMessage(
        input('<reply.7.zzz@press.ministry.example>', '"Press Office" <Press@Ministry.Example>'),
        own,
      ),
    ).toBe(true);
  });

  it('From our address with an id we sent under an older domain is ours', () => {
    expect(isOwnMessage(input('<legacy-1234@mail.ministry.example>', 'press@ministry.example'), own)).toBe(
      true,
    );
  });

  it('From our address with a foreign, unknown id is not ours (another client using the mailbox)', () => {
    expect(isOwnMessage(input('<CAB123@mail.gmail.example>', 'press@ministry.example'), own)).toBe(false);
  });

  it('a journalist replying to us (our id only in In-Reply-To) is not ours', () => {
    const reply = input('<xyz@news.example>', 'amira@news.example', [
      ['in-reply-to', '<reply.42.k3j4q@press.ministry.example>'],
    ]);
    expect(isOwnMessage(reply, own)).toBe(false);
  });

  it('the domain compares case-insensitively; the id itself is passed on as written', () => {
    const seen: string[] = [];
    const spy: OwnIdentity = { ...own, knownOutgoingIds: (id) => (seen.push(id), SENT.has(id)) };
    expect(isOwnMessage(input('<reply.42.k3j4q@PRESS.Ministry.example>', 'x@y.example'), spy)).toBe(false);
    expect(seen).toEqual(['reply.42.k3j4q@PRESS.Ministry.example']);
    expect(isOwnMessage(input('<reply.1.a@PRESS.ministry.example>', 'press@ministry.example'), own)).toBe(
      true,
    );
  });

  it('falls back to the Message-ID header and From header when the fields are empty', () => {
    const msg = input('', '', [
      ['message-id', '<reply.42.k3j4q@press.ministry.example>'],
      ['from', 'Press Office <press@ministry.example>'],
    ]);
    expect(isOwnMessage(msg, own)).toBe(true);
  });

  it('no usable Message-ID → not ours', () => {
    expect(isOwnMessage(input('', 'press@ministry.example'), own)).toBe(false);
    expect(isOwnMessage(input('<not an id>', 'press@ministry.example'), own)).toBe(false);
  });

  it('an empty configured domain never matches', () => {
    const bare: OwnIdentity = { ...own, messageIdDomain: '', knownOutgoingIds: () => false };
    expect(isOwnMessage(input('<reply.1.a@x.example>', 'press@ministry.example'), bare)).toBe(false);
  });
});
