import { useSignal } from '@preact/signals';
import type { TargetedEvent } from 'preact';
import { useApp, useT } from '../context.ts';
import { ApiError } from '../net/api.ts';
import type { Release, ThreadSummary } from '../types.ts';

/**
 * Lets staff link the thread to a release, change it, or clear it. The change reaches every open
 * screen as a thread.updated event; this component only sends it.
 */
export function ReleasePicker({ thread }: { thread: ThreadSummary }) {
  const app = useApp();
  const t = useT();
  const releases = useSignal<Release[] | null>(null);
  const open = useSignal(false);
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);

  async function start() {
    open.value = true;
    error.value = null;
    try {
      releases.value = (await app.api.releases()).releases;
    } catch (err) {
      error.value = err instanceof ApiError ? err.message : 'Could not load the releases.';
    }
  }

  async function link(releaseId: number | null) {
    busy.value = true;
    error.value = null;
    try {
      await app.api.linkRelease(thread.id, releaseId);
      open.value = false;
    } catch (err) {
      error.value = err instanceof ApiError ? err.message : 'Could not change the link.';
    } finally {
      busy.value = false;
    }
  }

  if (!open.value) {
    return (
      <button
        type="button"
        class="btn btn-quiet"
        data-testid="release-picker-open"
        onClick={() => void start()}
      >
        {thread.release ? t('release.change') : t('release.link')}
      </button>
    );
  }
  return (
    <span class="release-picker">
      <label>
        <span class="visually-hidden">{t('release.label')}</span>
        <select
          data-testid="release-picker"
          disabled={busy.value || !releases.value}
          value={thread.release ? String(thread.release.id) : ''}
          onChange={(ev: TargetedEvent<HTMLSelectElement>) => {
            const value = ev.currentTarget.value;
            if (value) void link(Number(value));
          }}
        >
          <option value="">{releases.value ? t('release.choose') : t('common.loading')}</option>
          {(releases.value ?? []).map((r) => (
            <option key={r.id} value={String(r.id)} dir="auto">
              {r.title} ({r.language}, {r.publishedAt.slice(0, 10)})
            </option>
          ))}
        </select>
      </label>
      {thread.release && (
        <button type="button" class="btn btn-quiet" disabled={busy.value} onClick={() => void link(null)}>
          {t('release.unlink')}
        </button>
      )}
      <button type="button" class="btn btn-quiet" onClick={() => (open.value = false)}>
        {t('common.cancel')}
      </button>
      {error.value && (
        <span class="form-error" role="alert">
          {error.value}
        </span>
      )}
    </span>
  );
}
