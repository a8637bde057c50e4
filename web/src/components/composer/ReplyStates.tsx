import { useState } from 'preact/hooks';
import { useApp } from '../../context.ts';
import type { Message } from '../../types.ts';
import { approveReply, cancelReply, returnReply, type Reply } from './reply-api.ts';
import { composerText, type ComposerKey } from './strings.ts';

export const STATE_KEYS: Record<Reply['state'], ComposerKey> = {
  held: 'state.held',
  'awaiting-approval': 'state.awaiting-approval',
  queued: 'state.queued',
  sending: 'state.sending',
  retrying: 'state.retrying',
  sent: 'state.sent',
  failed: 'state.failed',
  bounced: 'state.bounced',
  cancelled: 'state.cancelled',
};

const TROUBLE = new Set<Reply['state']>(['retrying', 'failed', 'bounced']);

/**
 * Every reply on the thread with its delivery state, live for every officer: who wrote it, where it
 * is (held, waiting for approval, sending, sent, retrying, failed with the server's words, bounced),
 * and the actions that fit: undo for its author while held, approve or return for approvers.
 */
export function ReplyStates({ messages }: { messages: Message[] }) {
  const app = useApp();
  const t = composerText(app.store.language.value);
  const me = app.store.me.value;
  const [error, setError] = useState<string | null>(null);
  const [returning, setReturning] = useState<number | null>(null);
  const [note, setNote] = useState('');
  const replies = messages.flatMap((m) => (m.direction === 'out' && m.reply ? [m.reply] : []));
  if (replies.length === 0) return null;

  const act = async (work: Promise<{ ok: boolean; message?: string }>) => {
    const result = await work;
    setError(result.ok ? null : (result.message ?? null));
  };

  return (
    <ul class="reply-states" aria-label={t('states.label')} data-testid="reply-states">
      {replies.map((r) => (
        <li
          key={r.id}
          class={`reply-state reply-state-${r.state}`}
          data-testid="reply-status"
          data-state={r.state}
        >
          <span>
            {r.author ? <bdi dir="auto">{r.author.name}</bdi> : t('states.automatic')}:{' '}
            {t(STATE_KEYS[r.state])}
            {TROUBLE.has(r.state) && r.lastError && (
              <>
                {' — '}
                <bdi dir="auto">{r.lastError}</bdi>
              </>
            )}
            {r.state === 'cancelled' && r.returnNote && (
              <>
                {' — '}
                <bdi dir="auto">{r.returnNote}</bdi>
              </>
            )}
            {r.state === 'sent' && r.sentCopy === 'failed' && <> ({t('states.noSentCopy')})</>}
          </span>
          {r.state === 'held' && me && r.author?.id === me.id && (
            <button type="button" class="btn btn-quiet" onClick={() => void act(cancelReply(r.id))}>
              {t('undo')}
            </button>
          )}
          {r.state === 'awaiting-approval' && me?.canApprove && (
            <span class="reply-approval">
              <button
                type="button"
                class="btn"
                data-testid="approve-reply"
                onClick={() => void act(approveReply(r.id))}
              >
                {t('states.approve')}
              </button>
              {returning === r.id ? (
                <form
                  onSubmit={(e) => {
                    e.preventDefault();
                    if (!note.trim()) return;
                    void act(returnReply(r.id, note.trim())).then(() => {
                      setReturning(null);
                      setNote('');
                    });
                  }}
                >
                  <input
                    dir="auto"
                    value={note}
                    aria-label={t('states.returnNote')}
                    placeholder={t('states.returnNote')}
                    onInput={(e) => setNote((e.target as HTMLInputElement).value)}
                  />
                  <button type="submit" class="btn btn-quiet">
                    {t('states.return')}
                  </button>
                </form>
              ) : (
                <button type="button" class="btn btn-quiet" onClick={() => setReturning(r.id)}>
                  {t('states.return')}
                </button>
              )}
            </span>
          )}
        </li>
      ))}
      {error && (
        <li class="inline-error" role="alert">
          {error}
        </li>
      )}
    </ul>
  );
}
