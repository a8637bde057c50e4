import { useApp, useT } from '../context.ts';
import type { PresenceViewer } from '../types.ts';

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const first = [...(parts[0] ?? '?')][0] ?? '?';
  const last = parts.length > 1 ? ([...parts[parts.length - 1]!][0] ?? '') : '';
  return (first + last).toUpperCase();
}

// A stable colour per officer, so the same person looks the same everywhere.
function hue(id: number): number {
  return (id * 137) % 360;
}

/** Colleagues on a thread right now (never yourself); a pencil marks whoever is writing a reply. */
export function Avatars({ threadId, compact = false }: { threadId: number; compact?: boolean }) {
  const { store } = useApp();
  const t = useT();
  const me = store.session.value.kind === 'signed-in' ? store.session.value.user.id : null;
  const viewers: PresenceViewer[] = (store.presence.value.get(threadId) ?? []).filter((v) => v.id !== me);
  if (viewers.length === 0) return null;
  return (
    <span class={`avatars${compact ? ' avatars-compact' : ''}`} data-testid="presence">
      {!compact && <span class="avatars-label">{t('detail.viewing')}</span>}
      {viewers.map((v) => (
        <span
          key={v.id}
          class={`avatar${v.composing ? ' is-composing' : ''}`}
          style={{ '--avatar-hue': String(hue(v.id)) }}
          title={v.composing ? t('detail.composing', { name: v.name }) : v.name}
          data-testid="presence-avatar"
          data-composing={v.composing ? 'true' : 'false'}
        >
          <span aria-hidden="true">{initials(v.name)}</span>
          <span class="visually-hidden">
            {v.composing ? t('detail.composing', { name: v.name }) : v.name}
          </span>
          {v.composing && (
            <span class="avatar-pen" aria-hidden="true">
              ✎
            </span>
          )}
        </span>
      ))}
    </span>
  );
}
