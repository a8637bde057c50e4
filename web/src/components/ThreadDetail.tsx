import { useEffect, useRef } from 'preact/hooks';
import { useApp, useT } from '../context.ts';
import { absoluteTime, safeHttpUrl } from '../format.ts';
import { matchReasonText } from '../i18n/match-reason.ts';
import { Avatars } from './Avatars.tsx';
import { Composer } from './composer/Composer.tsx';
import { MessageItem } from './MessageItem.tsx';
import { NotesPanel } from './NotesPanel.tsx';
import { StatusBadge } from './StatusBadge.tsx';
import { ThreadActions } from './ThreadActions.tsx';

export function ThreadDetail() {
  const app = useApp();
  const t = useT();
  const d = app.store.detail.value;
  const headingRef = useRef<HTMLHeadingElement>(null);
  const threadId = d?.threadId;

  // Move focus to the opened thread so keyboard and screen-reader users land on what they chose.
  useEffect(() => {
    if (threadId !== undefined) headingRef.current?.focus({ preventScroll: true });
  }, [threadId]);

  if (!d) {
    return (
      <section class="detail-pane detail-empty" aria-label={t('detail.select')}>
        <p>{t('detail.select')}</p>
      </section>
    );
  }

  const th = d.thread;
  const releaseUrl = th?.release ? safeHttpUrl(th.release.url) : null;
  // A message can only be split off when the thread would keep at least one.
  const canSplit = d.messages.length > 1;
  return (
    <section
      class="detail-pane"
      data-testid="thread-detail"
      data-thread-id={d.threadId}
      aria-labelledby="detail-title"
      aria-busy={d.status === 'loading'}
    >
      <header class="detail-head">
        <div class="detail-topline">
          <button type="button" class="btn btn-quiet detail-close" onClick={() => app.closeThread()}>
            <span aria-hidden="true" class="back-arrow">
              ←
            </span>{' '}
            {t('detail.back')}
          </button>
          <Avatars threadId={d.threadId} />
        </div>
        <h2
          id="detail-title"
          class="detail-title"
          dir="auto"
          tabIndex={-1}
          ref={headingRef}
          data-testid="detail-subject"
        >
          {th ? th.subject || t('list.noSubject') : t('common.loading')}
        </h2>
        {th && (
          <p class="detail-meta">
            <StatusBadge status={th.status} />
            {th.correspondent && (
              <span class="detail-who">
                {th.correspondent.name && <bdi dir="auto">{th.correspondent.name}</bdi>}{' '}
                <span class="addr">
                  &lt;<bdi>{th.correspondent.email}</bdi>&gt;
                </span>
              </span>
            )}
            {th.assignee && (
              <span class="row-assignee" data-testid="detail-assignee">
                {t('actions.assignee')}: <bdi dir="auto">{th.assignee.name}</bdi>
              </span>
            )}
            {th.release && (
              <span class="row-release">
                {t('detail.about')}{' '}
                {releaseUrl ? (
                  <a href={releaseUrl} target="_blank" rel="noopener noreferrer" dir="auto">
                    {th.release.title}
                  </a>
                ) : (
                  <bdi dir="auto">{th.release.title}</bdi>
                )}
                {th.match && (
                  <span class="match-reason" data-testid="match-reason">
                    {' '}
                    — <bdi dir="auto">{matchReasonText(t, th.match.reason)}</bdi>{' '}
                    {t('match.confidence', { n: Math.round(th.match.confidence * 100) })}
                  </span>
                )}
              </span>
            )}
            {th.deadline ? (
              <span class="row-release" data-testid="thread-deadline">
                {t('detail.deadline')} <time dateTime={th.deadline}>{absoluteTime(th.deadline)}</time>
              </span>
            ) : (
              th.deadlineSuggestion && (
                <span class="row-release" data-testid="deadline-suggestion">
                  {t('detail.suggestedDeadline')}{' '}
                  <time dateTime={th.deadlineSuggestion.at}>{absoluteTime(th.deadlineSuggestion.at)}</time>{' '}
                  <span class="match-reason">
                    (<bdi dir="auto">{t('detail.from', { text: th.deadlineSuggestion.text })}</bdi>)
                  </span>
                </span>
              )
            )}
            {!th.release && th.match && (
              <span class="row-release match-none" data-testid="match-reason">
                {t('detail.notLinked')} <bdi dir="auto">{th.match.reason}</bdi>
              </span>
            )}
          </p>
        )}
        {th && <ThreadActions thread={th} />}
      </header>

      {d.status === 'error' && (
        <div class="inline-error" role="alert">
          <span>{d.error}</span>
          <button type="button" class="btn btn-quiet" onClick={() => void app.openThread(d.threadId)}>
            {t('common.retry')}
          </button>
        </div>
      )}
      {d.status === 'loading' && d.messages.length === 0 && (
        <p class="placeholder">{t('detail.loadingMessages')}</p>
      )}

      <div class="messages">
        {d.messages.map((m) => (
          <MessageItem key={m.id} message={m} canSplit={canSplit} />
        ))}
      </div>
      <Composer />

      <NotesPanel threadId={d.threadId} notes={d.notes} />
    </section>
  );
}
