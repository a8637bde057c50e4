import { useApp } from '../context.ts';

/** Tells the user *why* the inbox might be empty or stale, and what to do about it. */
export function MailBanners() {
  const { store } = useApp();
  const configured = store.mailConfigured.value;
  const failing = store.failingMailboxes.value;

  return (
    <>
      {configured === false && (
        <section
          class="banner banner-info"
          data-testid="no-mailbox-banner"
          aria-labelledby="no-mailbox-title"
        >
          <h2 id="no-mailbox-title" class="banner-title">
            No mailbox is configured yet
          </h2>
          <p>
            Newsdesk shows enquiries from your press office mailbox. To connect one, set{' '}
            <code>NEWSDESK_IMAP_URL</code> when starting the server, for example{' '}
            <code>imap://user:pass@host:993</code>, and restart it. To look around with sample enquiries
            instead, run <code>npm run demo</code>.
          </p>
        </section>
      )}
      {failing.map((m) => (
        <section class="banner banner-error" role="alert" data-testid="sync-failing-banner" key={m.address}>
          <p>
            <strong>Mail sync failing</strong>
            {failing.length > 1 && (
              <>
                {' for '}
                <span dir="auto">{m.address}</span>
              </>
            )}
            {': '}
            <span dir="auto">
              {m.lastError ??
                (m.state === 'auth-failed' ? 'the mail server refused the login' : 'unknown error')}
            </span>
          </p>
        </section>
      ))}
    </>
  );
}

/** One compact line per mailbox for the top bar: what sync is doing right now. */
export function SyncSummary() {
  const { store } = useApp();
  const boxes = store.mailboxes.value;
  if (boxes.length === 0) return null;
  return (
    <span class="sync" data-testid="sync-status">
      {boxes.map((m) => (
        <span class={`sync-item sync-${m.state}`} key={m.address} title={m.address}>
          {syncText(m.state, m.fetched, m.total)}
          {m.state === 'backfill' && (
            // A long first sync shows how far it got; without a total it is an indeterminate bar.
            <progress
              class="sync-progress"
              data-testid="sync-progress"
              max={m.total ?? undefined}
              value={m.total ? (m.fetched ?? 0) : undefined}
              aria-label={syncText(m.state, m.fetched, m.total)}
            />
          )}
        </span>
      ))}
    </span>
  );
}

function syncText(state: string, fetched?: number, total?: number | null): string {
  switch (state) {
    case 'backfill':
      return total ? `Syncing mail ${fetched ?? 0}/${total}` : `Syncing mail… ${fetched ?? 0}`;
    case 'connecting':
      return 'Connecting to mailbox…';
    case 'reconnecting':
      return 'Mailbox reconnecting…';
    case 'idle':
      return 'Mail up to date';
    case 'auth-failed':
      return 'Mailbox login failed';
    case 'error':
      return 'Mail sync error';
    case 'stopped':
      return 'Mail sync stopped';
    default:
      return state;
  }
}
