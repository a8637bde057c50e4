import { useApp } from '../context.ts';
import type { ConnectionState } from '../store.ts';

const TEXT: Record<ConnectionState, string> = {
  idle: 'Starting…',
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  stopped: 'Disconnected',
};

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
      {TEXT[state]}
    </span>
  );
}
