import { useSignal } from '@preact/signals';
import type { User } from '../types.ts';
import { useApp, useT } from '../context.ts';
import { ConnectionStatus } from './ConnectionStatus.tsx';
import { SyncSummary } from './MailBanners.tsx';
import { SearchBox } from './SearchBox.tsx';

export function TopBar({ user }: { user: User }) {
  const app = useApp();
  const t = useT();
  const busy = useSignal(false);
  const { store } = app;
  const language = store.language.value;
  const notifications = store.notifications.value;
  return (
    <header class="topbar">
      <div class="brand">
        <span class="brand-mark" aria-hidden="true" />
        {t('app.name')}
      </div>
      <nav class="topnav" aria-label={t('nav.main')}>
        <button
          type="button"
          class={`btn btn-quiet${store.route.value === 'inbox' ? ' is-current' : ''}`}
          aria-current={store.route.value === 'inbox' ? 'page' : undefined}
          data-testid="nav-inbox"
          onClick={() => app.go('inbox')}
        >
          {t('nav.inbox')}
        </button>
        <button
          type="button"
          class={`btn btn-quiet${store.route.value === 'releases' ? ' is-current' : ''}`}
          aria-current={store.route.value === 'releases' ? 'page' : undefined}
          data-testid="nav-releases"
          onClick={() => app.go('releases')}
        >
          {t('nav.releases')}
        </button>
        <button
          type="button"
          class={`btn btn-quiet${store.route.value === 'settings' ? ' is-current' : ''}`}
          aria-current={store.route.value === 'settings' ? 'page' : undefined}
          data-testid="nav-settings"
          onClick={() => app.go('settings')}
        >
          {t('nav.settings')}
        </button>
      </nav>
      <SearchBox />
      <div class="topbar-status">
        <ConnectionStatus />
        <SyncSummary />
      </div>
      <div class="topbar-user">
        {typeof Notification !== 'undefined' && notifications !== 'denied' && (
          <button
            type="button"
            class="btn btn-quiet"
            data-testid="notifications-toggle"
            aria-pressed={notifications === 'on'}
            onClick={() =>
              notifications === 'on' ? app.disableNotifications() : void app.enableNotifications()
            }
          >
            {notifications === 'on' ? t('notify.on') : t('notify.enable')}
          </button>
        )}
        <button
          type="button"
          class="btn btn-quiet"
          data-testid="language-toggle"
          lang={language === 'ar' ? 'en' : 'ar'}
          title={t('user.languageLabel')}
          onClick={() => void app.setLanguage(language === 'ar' ? 'en' : 'ar')}
        >
          {t('user.language')}
        </button>
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
          {t('user.signOut')}
        </button>
      </div>
    </header>
  );
}
