import { useEffect } from 'preact/hooks';
import { useApp, useT } from '../context.ts';
import { installKeyboard } from '../keyboard.ts';
import { ConnectionBanner } from './ConnectionStatus.tsx';
import { HelpOverlay } from './HelpOverlay.tsx';
import { LoginForm } from './LoginForm.tsx';
import { MailBanners } from './MailBanners.tsx';
import { ReleasesView } from './ReleasesView.tsx';
import { SettingsView } from './SettingsView.tsx';
import { Sidebar } from './Sidebar.tsx';
import { ThreadDetail } from './ThreadDetail.tsx';
import { ThreadList } from './ThreadList.tsx';
import { TopBar } from './TopBar.tsx';

export function App() {
  const app = useApp();
  const t = useT();
  const { store } = app;
  const session = store.session.value;
  const signedIn = session.kind === 'signed-in';

  useEffect(() => (signedIn ? installKeyboard(app) : undefined), [signedIn, app]);

  if (session.kind === 'checking') {
    return (
      <main class="splash" aria-busy="true">
        <span class="brand-mark" aria-hidden="true" />
        <span class="visually-hidden">{t('app.loading')}</span>
      </main>
    );
  }
  if (session.kind === 'signed-out') return <LoginForm notice={session.notice} />;

  const detailOpen = store.detail.value !== null;
  const route = store.route.value;
  return (
    <div class={`shell${detailOpen ? ' has-detail' : ''}`} data-route={route}>
      <TopBar user={session.user} />
      <div class="banners">
        <ConnectionBanner />
        <MailBanners />
      </div>
      <div class="workspace">
        <Sidebar />
        {route === 'releases' ? (
          <ReleasesView />
        ) : route === 'settings' ? (
          <SettingsView />
        ) : (
          <main class="panes">
            <ThreadList />
            <ThreadDetail />
          </main>
        )}
      </div>
      {store.helpOpen.value && <HelpOverlay />}
    </div>
  );
}
