import { useApp } from '../context.ts';
import { LoginForm } from './LoginForm.tsx';
import { MailBanners } from './MailBanners.tsx';
import { ThreadDetail } from './ThreadDetail.tsx';
import { ThreadList } from './ThreadList.tsx';
import { TopBar } from './TopBar.tsx';

export function App() {
  const { store } = useApp();
  const session = store.session.value;

  if (session.kind === 'checking') {
    return (
      <main class="splash" aria-busy="true">
        <span class="brand-mark" aria-hidden="true" />
        <span class="visually-hidden">Loading Newsdesk…</span>
      </main>
    );
  }
  if (session.kind === 'signed-out') return <LoginForm notice={session.notice} />;

  const detailOpen = store.detail.value !== null;
  return (
    <div class={`shell${detailOpen ? ' has-detail' : ''}`}>
      <TopBar user={session.user} />
      <div class="banners">
        <MailBanners />
      </div>
      <main class="panes">
        <ThreadList />
        <ThreadDetail />
      </main>
    </div>
  );
}
