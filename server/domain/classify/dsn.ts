// RFC 3464 delivery-status fields: one per-message group, then one group per recipient (§2.1).
import type { BounceRecipient, RecipientAction } from './types.ts';

const ACTIONS: readonly RecipientAction[] = ['failed', 'delayed', 'delivered', 'relayed', 'expanded'];

/** An RFC 3463 enhanced status code ("5.1.1") found in a text, or null. */
export function enhancedStatus(text: string): string | null {
  // Not part of a longer dotted number, so IP addresses ("192.0.2.20") never match.
  const m = /(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d]|\.\d)/.exec(text);
  return m ? `${m[1]}.${Number(m[2])}.${Number(m[3])}` : null;
}

/** The action a status class implies (RFC 3463 §3.1: 2 success, 4 persistent transient, 5 permanent). */
export function actionForStatus(status: string | null): RecipientAction | null {
  if (status?.startsWith('5')) return 'failed';
  if (status?.startsWith('4')) return 'delayed';
  if (status?.startsWith('2')) return 'delivered';
  return null;
}

type Group = Map<string, string>;

/** Blank-line separated groups of unfolded fields; lines that are not fields are skipped. */
function fieldGroups(text: string): Group[] {
  const groups: Group[] = [];
  let current: Group = new Map();
  let last: string | null = null;
  const close = (): void => {
    if (current.size > 0) groups.push(current);
    current = new Map();
    last = null;
  };
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (line.trim() === '') {
      close();
      continue;
    }
    if (/^[ \t]/.test(line)) {
      if (last !== null) current.set(last, `${current.get(last) ?? ''} ${line.trim()}`);
      continue;
    }
    const m = /^([A-Za-z][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/.exec(line);
    if (!m) {
      last = null;
      continue;
    }
    const name = m[1]!.toLowerCase();
    // A second Final-Recipient without the blank line in between still starts a new recipient.
    if (name === 'final-recipient' && current.has(name)) close();
    if (current.has(name)) {
      last = null;
      continue;
    }
    current.set(name, m[2]!.trim());
    last = name;
  }
  close();
  return groups;
}

/** "rfc822; <a@b>" → "a@b": the address-type prefix (§2.3.2) and brackets removed. */
function typedAddress(value: string): string {
  const semi = value.indexOf(';');
  const address = (semi >= 0 ? value.slice(semi + 1) : value).trim();
  return address.replace(/^<|>$/g, '').trim().toLowerCase();
}

/** "smtp; 550 5.1.1 …" → "550 5.1.1 …" (§2.3.6: diagnostic-type ";" text). */
function typedText(value: string | undefined): string | null {
  if (value === undefined) return null;
  const semi = value.indexOf(';');
  const text = (semi >= 0 && /^[\w-]+$/.test(value.slice(0, semi).trim()) ? value.slice(semi + 1) : value)
    .replace(/\s+/g, ' ')
    .trim();
  return text === '' ? null : text.slice(0, 500);
}

/** The per-recipient entries of a message/delivery-status body (or of text holding its fields). */
export function parseDeliveryStatus(text: string): BounceRecipient[] {
  const recipients: BounceRecipient[] = [];
  for (const group of fieldGroups(text)) {
    // Original-Recipient (§2.3.1) is the address as we sent it (ORCPT); Final-Recipient may be an
    // alias expansion ("r@host" for "kijitora@example.org"), which would not match our outbox.
    const field = group.get('original-recipient') ?? group.get('final-recipient');
    if (field === undefined) continue;
    const address = typedAddress(field);
    if (address === '') continue;
    const status = enhancedStatus(group.get('status') ?? '');
    const declared = (group.get('action') ?? '').split(/[\s(;]/)[0]!.toLowerCase() as RecipientAction;
    const action = ACTIONS.includes(declared) ? declared : (actionForStatus(status) ?? 'unknown');
    recipients.push({ address, action, status, diagnostic: typedText(group.get('diagnostic-code')) });
  }
  return recipients;
}
