import { useSignal } from '@preact/signals';
import type { User } from '../types.ts';
import { useApp } from '../context.ts';
import { ConnectionStatus } from './ConnectionStatus.tsx';
import { SyncSummary } from './MailBanners.tsx';

export function TopBar({ user }: { user: User }) {
  const app = useApp();
  const busy = useSignal(false);
  return (
    <header class="topbar">
      <div class="brand">
        <span class="brand-mark" aria-hidden="true" />
        Newsdesk
      </div>
      <div class="topbar-status">
        <ConnectionStatus />
        <SyncSummary />
      </div>
      <div class="topbar-user">
        <span class="user-name" dir="auto" title={user.email}>
          {user.name}
        </span>
        <button
          type="button"
          class="btn btn-quiet"
          data-testid="sign-out"
          disabled={busy.value}
          onClick={async () => {
            busy.value = true;
            await app.signOut();
          }}
        >
          Sign out
        </button>
      </div>
    </header>
  );
}
