import { useEffect, useRef } from 'preact/hooks';
import { useApp } from '../context.ts';
import { absoluteTime, safeHttpUrl } from '../format.ts';
import { MessageItem } from './MessageItem.tsx';
import { ReleasePicker } from './ReleasePicker.tsx';
import { StatusBadge } from './StatusBadge.tsx';

export function ThreadDetail() {
  const app = useApp();
  const d = app.store.detail.value;
  const headingRef = useRef<HTMLHeadingElement>(null);
  const threadId = d?.threadId;

  // Move focus to the opened thread so keyboard and screen-reader users land on what they chose.
  useEffect(() => {
    if (threadId !== undefined) headingRef.current?.focus({ preventScroll: true });
  }, [threadId]);

  if (!d) {
    return (
      <section class="detail-pane detail-empty" aria-label="Enquiry">
        <p>Select an enquiry to read it.</p>
      </section>
    );
  }

  const t = d.thread;
  const releaseUrl = t?.release ? safeHttpUrl(t.release.url) : null;
  return (
    <section
      class="detail-pane"
      data-testid="thread-detail"
      aria-labelledby="detail-title"
      aria-busy={d.status === 'loading'}
    >
      <header class="detail-head">
        <button type="button" class="btn btn-quiet detail-close" onClick={() => app.closeThread()}>
          <span aria-hidden="true">←</span> All enquiries
        </button>
        <h2
          id="detail-title"
          class="detail-title"
          dir="auto"
          tabIndex={-1}
          ref={headingRef}
          data-testid="detail-subject"
        >
          {t ? t.subject || '(no subject)' : 'Loading…'}
        </h2>
        {t && (
          <p class="detail-meta">
            <StatusBadge status={t.status} />
            {t.correspondent && (
              <span class="detail-who">
                {t.correspondent.name && <bdi dir="auto">{t.correspondent.name}</bdi>}{' '}
                <span class="addr">
                  &lt;<bdi>{t.correspondent.email}</bdi>&gt;
                </span>
              </span>
            )}
            {t.release && (
              <span class="row-release">
                About:{' '}
                {releaseUrl ? (
                  <a href={releaseUrl} target="_blank" rel="noopener noreferrer" dir="auto">
                    {t.release.title}
                  </a>
                ) : (
                  <bdi dir="auto">{t.release.title}</bdi>
                )}
                {t.match && (
                  <span class="match-reason" data-testid="match-reason">
                    {' '}
                    — <bdi dir="auto">{t.match.reason}</bdi> ({Math.round(t.match.confidence * 100)}%)
                  </span>
                )}
              </span>
            )}
            {t.deadline ? (
              <span class="row-release" data-testid="thread-deadline">
                Deadline: <time dateTime={t.deadline}>{absoluteTime(t.deadline)}</time>
              </span>
            ) : (
              t.deadlineSuggestion && (
                <span class="row-release" data-testid="deadline-suggestion">
                  Suggested deadline:{' '}
                  <time dateTime={t.deadlineSuggestion.at}>{absoluteTime(t.deadlineSuggestion.at)}</time>{' '}
                  <span class="match-reason">
                    (from “<bdi dir="auto">{t.deadlineSuggestion.text}</bdi>”)
                  </span>
                </span>
              )
            )}
            {!t.release && t.match && (
              <span class="row-release match-none" data-testid="match-reason">
                Not linked to a release: <bdi dir="auto">{t.match.reason}</bdi>
              </span>
            )}
            <ReleasePicker thread={t} />
          </p>
        )}
      </header>

      {d.status === 'error' && (
        <div class="inline-error" role="alert">
          <span>{d.error}</span>
          <button type="button" class="btn btn-quiet" onClick={() => void app.openThread(d.threadId)}>
            Retry
          </button>
        </div>
      )}
      {d.status === 'loading' && d.messages.length === 0 && <p class="placeholder">Loading messages…</p>}

      <div class="messages">
        {d.messages.map((m) => (
          <MessageItem key={m.id} message={m} />
        ))}
      </div>
    </section>
  );
}
