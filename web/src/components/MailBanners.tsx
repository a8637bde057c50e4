import type { MailboxStatus } from '../store.ts';
import { useApp, useT } from '../context.ts';
import type { Translate } from '../i18n/index.ts';
import { Filled } from './Filled.tsx';

// The server lists outgoing mail among the mailboxes (kind 'outgoing') only while replies retry or
// after one failed; it is about sending, not about reading mail.
function outgoingAddress(m: MailboxStatus): string | null {
  return m.kind === 'outgoing' ? m.address : null;
}

/** Tells the user *why* the inbox might be empty or stale, or replies are not going out, and what to do. */
export function MailBanners() {
  const { store } = useApp();
  const t = useT();
  const configured = store.mailConfigured.value;
  const failing = store.failingMailboxes.value;
  const failingInbound = failing.filter((m) => outgoingAddress(m) === null);

  return (
    <>
      {configured === false && (
        <section
          class="banner banner-info"
          data-testid="no-mailbox-banner"
          aria-labelledby="no-mailbox-title"
        >
          <h2 id="no-mailbox-title" class="banner-title">
            {t('banner.noMailboxTitle')}
          </h2>
          <p>
            <Filled
              text={t('banner.noMailbox')}
              parts={{
                env: <code>NEWSDESK_IMAP_URL</code>,
                example: <code dir="ltr">imap://user:pass@host:993</code>,
                demo: <code dir="ltr">npm run demo</code>,
              }}
            />
          </p>
        </section>
      )}
      {failing.map((m) => {
        const outgoing = outgoingAddress(m);
        if (outgoing !== null)
          return (
            <section
              class="banner banner-error"
              role="alert"
              data-testid="sending-failing-banner"
              key={m.address}
            >
              <p>
                <strong>
                  <Filled
                    text={t('banner.sendingFailingFor')}
                    parts={{ address: <bdi dir="ltr">{outgoing}</bdi> }}
                  />
                </strong>
                {'. '}
                {m.lastError && (
                  <>
                    {t('banner.serverSaid')}{' '}
                    <bdi dir="auto" data-testid="sending-error">
                      {m.lastError}
                    </bdi>
                    {'. '}
                  </>
                )}
                {t('banner.sendingHint')}
              </p>
            </section>
          );
        return (
          <section class="banner banner-error" role="alert" data-testid="sync-failing-banner" key={m.address}>
            <p>
              <strong>
                {failingInbound.length > 1 ? (
                  <Filled
                    text={t('banner.syncFailingFor')}
                    parts={{ address: <bdi dir="auto">{m.address}</bdi> }}
                  />
                ) : (
                  t('banner.syncFailing')
                )}
              </strong>
              {': '}
              <bdi dir="auto">
                {m.lastError ??
                  (m.state === 'auth-failed' ? t('banner.authFailed') : t('banner.unknownError'))}
              </bdi>
            </p>
          </section>
        );
      })}
    </>
  );
}

/** One compact line per mailbox for the top bar: what sync is doing right now. */
export function SyncSummary() {
  const { store } = useApp();
  const t = useT();
  const boxes = store.mailboxes.value;
  if (boxes.length === 0) return null;
  return (
    <span class="sync" data-testid="sync-status">
      {boxes.map((m) => (
        <span class={`sync-item sync-${m.state}`} key={m.address} title={m.address}>
          {syncText(t, m)}
          {m.state === 'backfill' && (
            // A long first sync shows how far it got; without a total it is an indeterminate bar.
            <progress
              class="sync-progress"
              data-testid="sync-progress"
              max={m.total ?? undefined}
              value={m.total ? (m.fetched ?? 0) : undefined}
              aria-label={syncText(t, m)}
            />
          )}
        </span>
      ))}
    </span>
  );
}

function syncText(t: Translate, m: MailboxStatus): string {
  if (outgoingAddress(m) !== null)
    return m.state === 'retrying' ? t('sync.sendRetrying') : t('sync.sendError');
  const fetched = m.fetched ?? 0;
  switch (m.state) {
    case 'backfill':
      return m.total ? t('sync.progress', { fetched, total: m.total }) : t('sync.counting', { fetched });
    case 'connecting':
      return t('sync.connecting');
    case 'reconnecting':
      return t('sync.reconnecting');
    case 'idle':
      return t('sync.idle');
    case 'auth-failed':
      return t('sync.authFailed');
    case 'error':
      return t('sync.error');
    case 'stopped':
      return t('sync.stopped');
    default:
      return m.state;
  }
}
