import { useApp, useT } from '../context.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { ConnectionState } from '../store.ts';

const HINT: Record<ConnectionState, string> = {
  idle: '',
  connecting: 'Opening the live connection',
  live: 'New mail appears here as it arrives',
  reconnecting: 'Lost the live connection; retrying. Nothing will be missed.',
  offline: 'Your device is offline. Newsdesk will catch up when it reconnects.',
  stopped: 'Not receiving live updates',
};

export function ConnectionStatus() {
  const { store } = useApp();
  const t = useT();
  const state = store.connection.value;
  return (
    <span
      class={`conn conn-${state}`}
      data-testid="connection-status"
      data-state={state}
      role="status"
      title={HINT[state]}
    >
      <span class="conn-dot" aria-hidden="true" />
      {t(`conn.${state}` as MessageKey)}
    </span>
  );
}

/** Says plainly when live updates stopped, so nobody trusts a stale list. */
export function ConnectionBanner() {
  const { store } = useApp();
  const t = useT();
  const state = store.connection.value;
  if (state !== 'reconnecting' && state !== 'offline') return null;
  return (
    <section class="banner banner-warn" role="status" data-testid="disconnected-banner">
      <p>{t(state === 'offline' ? 'conn.bannerOffline' : 'conn.banner')}</p>
    </section>
  );
}
