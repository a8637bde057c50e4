// Our own outgoing mail coming back into INBOX (L-09): a list reflecting it, a Bcc to ourselves, the
// Sent folder fed into INBOX. Such mail is ours (direction out): no new thread, no acknowledgement.
import { normalizeMessageId } from '../message-id.ts';
import { addressesIn, first } from './headers.ts';

export interface OwnMessageInput {
  /** The message's Message-ID, with or without <>; the Message-ID header is used when this is empty. */
  messageId: string;
  /** The From address, bare or as a header value ("Press Office <press@example.org>"). */
  from: string;
  headers: Map<string, string[]>;
}

export interface OwnIdentity {
  /** The mailbox Newsdesk sends from. */
  address: string;
  /** The right-hand side of the Message-IDs Newsdesk generates: `<reply.{threadId}.{random}@{domain}>` (see server/mail/smtp/reply-headers.ts). */
  messageIdDomain: string;
  /** Whether we sent a message with this (bare) Message-ID: the outbox lookup. */
  knownOutgoingIds: (id: string) => boolean;
}

// The shape of the ids Newsdesk generates (reply.{threadId}.{random}); see OwnIdentity.messageIdDomain.
const GENERATED_ID = /^reply\.[^.@\s]+\.[^@\s]+@/i;

function senderAddress(from: string, headers: Map<string, string[]>): string {
  const value = from.trim() || first(headers, 'from') || '';
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(value);
  return (angle?.[1] ?? addressesIn(value)[0] ?? '').toLowerCase();
}

/**
 * Whether an inbound message is one we sent: its Message-ID is in our domain and in our outbox (whoever
 * relayed it: lists rewrite From for DMARC but keep the id), or it is From our address and carries an
 * id we sent or one in our generated format. A stranger reusing our domain without a known id is not us.
 */
export function isOwnMessage(input: OwnMessageInput, own: OwnIdentity): boolean {
  const id =
    normalizeMessageId(input.messageId) ?? normalizeMessageId(first(input.headers, 'message-id') ?? '');
  if (id === null) return false;
  const domain = own.messageIdDomain.trim().replace(/^@/, '').toLowerCase();
  const inOurDomain = domain !== '' && id.slice(id.lastIndexOf('@') + 1).toLowerCase() === domain;
  const known = own.knownOutgoingIds(id);
  if (inOurDomain && known) return true;
  const fromUs =
    own.address.trim() !== '' &&
    senderAddress(input.from, input.headers) === own.address.trim().toLowerCase();
  return fromUs && (known || (inOurDomain && GENERATED_ID.test(id)));
}
