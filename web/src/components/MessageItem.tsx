import { useSignal } from '@preact/signals';
import { useApp, useT } from '../context.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { Address, Message } from '../types.ts';
import { absoluteTime, formatBytes } from '../format.ts';
import { MailFrame } from './MailFrame.tsx';

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

const TRUST = new Set(['verified', 'unverified', 'possible-spoof']);
const KINDS = new Set(['auto-reply', 'bounce', 'list', 'abuse-report']);

/**
 * The body as text: the sender's new words shown, quoted history, forwarded mail and signature
 * folded behind a toggle. Always text nodes, never HTML.
 */
function MessageBody({ m }: { m: Message }) {
  const t = useT();
  const unfolded = useSignal(false);
  const fragments = m.fragments;
  if (!fragments || fragments.length === 0) {
    return (
      <pre class="message-text" dir="auto" data-testid="message-text">
        {m.text || t('message.noText')}
      </pre>
    );
  }
  const shown = fragments.filter((f) => f.kind === 'new');
  const newText = shown
    .map((f) => f.text)
    .join('')
    .trim();
  return (
    <>
      <pre class="message-text" dir="auto" data-testid="message-text">
        {unfolded.value ? m.text : newText || t('message.noText')}
      </pre>
      <button
        type="button"
        class="btn btn-quiet fold-toggle"
        aria-expanded={unfolded.value}
        data-testid="quoted-toggle"
        onClick={() => (unfolded.value = !unfolded.value)}
      >
        {unfolded.value ? t('message.hideQuoted') : t('message.showQuoted')}
      </button>
    </>
  );
}

export function MessageItem({ message: m, canSplit }: { message: Message; canSplit: boolean }) {
  const app = useApp();
  const t = useT();
  // HTML-only mail opens formatted; mail with a text part opens as text (the faster, safer read).
  const formatted = useSignal(Boolean(m.hasHtml) && !m.text.trim());
  const name = m.from.name ?? m.from.email;
  return (
    <article
      class={`message message-${m.direction}`}
      data-testid="message"
      data-message-id={m.id}
      aria-label={t(m.direction === 'out' ? 'message.reply' : 'message.from', { name })}
    >
      <header class="message-head">
        <div class="message-from" data-testid="message-from">
          {m.direction === 'out' && <span class="tag tag-out">{t('message.sent')}</span>}
          {m.direction === 'in' && m.senderTrust && (
            <span
              class={`tag ${m.senderTrust.level === 'verified' ? 'tag-out' : m.senderTrust.level === 'possible-spoof' ? 'tag-danger' : 'tag-muted'}`}
              data-testid="sender-trust"
              title={m.senderTrust.warnings.map((w) => w.message).join('\n') || undefined}
            >
              {TRUST.has(m.senderTrust.level)
                ? t(`trust.${m.senderTrust.level}` as MessageKey)
                : m.senderTrust.level}
            </span>
          )}
          {m.kind !== 'human' && (
            <span class="tag tag-warn" data-testid="message-kind" title={m.kindReason ?? undefined}>
              {KINDS.has(m.kind) ? t(`kind.${m.kind}` as MessageKey) : m.kind}
              {m.kindProbable ? t('message.probably') : ''}
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
          {!m.dateHeaderValid && <span class="tag tag-warn">{t('message.receivedTime')}</span>}
        </time>
        {(m.to.length > 0 || m.cc.length > 0) && (
          <div class="message-to">
            {m.to.length > 0 && (
              <span>
                {t('message.to')} <AddressList list={m.to} />
              </span>
            )}
            {m.cc.length > 0 && (
              <span>
                {' '}
                {t('message.cc')} <AddressList list={m.cc} />
              </span>
            )}
          </div>
        )}
        <div class="message-tools">
          {m.hasHtml && (
            <button
              type="button"
              class="btn btn-quiet"
              aria-pressed={formatted.value}
              data-testid="formatted-toggle"
              onClick={() => (formatted.value = !formatted.value)}
            >
              {formatted.value ? t('message.plain') : t('message.formatted')}
            </button>
          )}
          {canSplit && (
            <button
              type="button"
              class="btn btn-quiet"
              data-testid="split-message"
              onClick={() => {
                if (confirm(t('message.splitConfirm'))) void app.split(m.id);
              }}
            >
              {t('message.split')}
            </button>
          )}
        </div>
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
              {t('message.parseError')} <span dir="auto">{m.parseError}</span>{' '}
              <a href={`/api/messages/${m.id}/raw`} download>
                {t('message.downloadOriginal')}
              </a>
            </li>
          )}
          {m.duplicateMessageId && (
            <li class="flag flag-warn" data-testid="message-duplicate">
              {t('message.duplicate')}
            </li>
          )}
        </ul>
      )}

      {formatted.value && m.hasHtml ? <MailFrame messageId={m.id} /> : <MessageBody m={m} />}

      {m.attachments.length > 0 && (
        <ul class="attachments" aria-label={t('message.attachments')}>
          {m.attachments.map((a) => (
            <li key={a.id} class="attachment">
              <a href={`/api/attachments/${a.id}`} download data-testid="attachment">
                <bdi dir="auto">{a.filename ?? t('message.unnamed')}</bdi>
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
