import type { Address, Message } from '../types.ts';
import { absoluteTime, formatBytes } from '../format.ts';

function AddressText({ a }: { a: Address }) {
  // Name and address as separate isolated runs so an Arabic name cannot reorder the email.
  return a.name ? (
    <>
      <bdi dir="auto">{a.name}</bdi>{' '}
      <span class="addr">
        &lt;<bdi>{a.email}</bdi>&gt;
      </span>
    </>
  ) : (
    <bdi>{a.email}</bdi>
  );
}

function AddressList({ list }: { list: Address[] }) {
  return (
    <>
      {list.map((a, i) => (
        <span key={`${a.email}-${i}`}>
          {i > 0 && ', '}
          <AddressText a={a} />
        </span>
      ))}
    </>
  );
}

const TRUST_LABELS: Record<string, string> = {
  verified: 'Verified sender',
  unverified: 'Unverified',
  'possible-spoof': 'Possible spoof',
};

const KIND_LABELS: Record<string, string> = {
  'auto-reply': 'Auto-reply',
  bounce: 'Bounce',
  list: 'Mailing list',
  'abuse-report': 'Abuse report',
};

export function MessageItem({ message: m }: { message: Message }) {
  return (
    <article
      class={`message message-${m.direction}`}
      data-testid="message"
      data-message-id={m.id}
      aria-label={`${m.direction === 'out' ? 'Reply' : 'Message'} from ${m.from.name ?? m.from.email}`}
    >
      <header class="message-head">
        <div class="message-from" data-testid="message-from">
          {m.direction === 'out' && <span class="tag tag-out">Sent</span>}
          {m.direction === 'in' && m.senderTrust && (
            <span
              class={`tag ${m.senderTrust.level === 'verified' ? 'tag-out' : m.senderTrust.level === 'possible-spoof' ? 'tag-danger' : 'tag-muted'}`}
              data-testid="sender-trust"
              title={m.senderTrust.warnings.map((w) => w.message).join('\n') || undefined}
            >
              {TRUST_LABELS[m.senderTrust.level] ?? m.senderTrust.level}
            </span>
          )}
          {m.kind !== 'human' && (
            <span class="tag tag-warn" data-testid="message-kind" title={m.kindReason ?? undefined}>
              {KIND_LABELS[m.kind] ?? m.kind}
              {m.kindProbable ? ' (probably)' : ''}
            </span>
          )}
          <AddressText a={m.from} />
        </div>
        <time
          class="message-date"
          dateTime={m.date}
          title={
            m.dateHeaderValid
              ? undefined
              : 'The Date header was missing or invalid; this is when Newsdesk received it.'
          }
        >
          {absoluteTime(m.date)}
          {!m.dateHeaderValid && <span class="tag tag-warn">received time</span>}
        </time>
        {(m.to.length > 0 || m.cc.length > 0) && (
          <div class="message-to">
            {m.to.length > 0 && (
              <span>
                To: <AddressList list={m.to} />
              </span>
            )}
            {m.cc.length > 0 && (
              <span>
                {' '}
                Cc: <AddressList list={m.cc} />
              </span>
            )}
          </div>
        )}
      </header>

      {(m.parseError ||
        m.duplicateMessageId ||
        (m.senderTrust?.level === 'possible-spoof' && m.senderTrust.warnings.length > 0)) && (
        <ul class="message-flags">
          {m.senderTrust?.level === 'possible-spoof' &&
            m.senderTrust.warnings.map((w) => (
              <li key={w.code} class="flag flag-error" data-testid="sender-warning">
                <span dir="auto">{w.message}</span>
              </li>
            ))}
          {m.parseError && (
            <li class="flag flag-error" data-testid="message-parse-error">
              This message could not be read completely: <span dir="auto">{m.parseError}</span>{' '}
              <a href={`/api/messages/${m.id}/raw`} download>
                Download the original
              </a>
            </li>
          )}
          {m.duplicateMessageId && (
            <li class="flag flag-warn" data-testid="message-duplicate">
              Another message already used this Message-ID; it may be a resend or a forgery.
            </li>
          )}
        </ul>
      )}

      <pre class="message-text" dir="auto" data-testid="message-text">
        {m.text || '(no text)'}
      </pre>

      {m.attachments.length > 0 && (
        <ul class="attachments" aria-label="Attachments">
          {m.attachments.map((a) => (
            <li key={a.id} class="attachment">
              <a href={`/api/attachments/${a.id}`} download>
                <bdi dir="auto">{a.filename ?? 'unnamed attachment'}</bdi>
              </a>
              <span class="attachment-meta">
                {a.contentType}, {formatBytes(a.size)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}
