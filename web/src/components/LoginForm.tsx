import { useSignal } from '@preact/signals';
import { useRef } from 'preact/hooks';
import type { TargetedSubmitEvent } from 'preact';
import { useApp, useT } from '../context.ts';
import { ApiError } from '../net/api.ts';
import { Filled } from './Filled.tsx';

export function LoginForm({ notice }: { notice?: string | undefined }) {
  const app = useApp();
  // Before sign-in this is the browser's language (see controller.ts), after it the officer's.
  const t = useT();
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  const passwordRef = useRef<HTMLInputElement>(null);

  async function onSubmit(ev: TargetedSubmitEvent<HTMLFormElement>) {
    ev.preventDefault();
    if (busy.value) return;
    const data = new FormData(ev.currentTarget);
    const email = String(data.get('email') ?? '').trim();
    const password = String(data.get('password') ?? '');
    busy.value = true;
    error.value = null;
    try {
      await app.signIn(email, password);
    } catch (err) {
      // The server's words are English; the two answers an officer meets are said in their language.
      error.value =
        err instanceof ApiError && err.code === 'invalid_credentials'
          ? t('login.wrong')
          : err instanceof ApiError && err.status === 429
            ? t('login.throttled')
            : err instanceof ApiError
              ? err.message
              : t('login.failed');
      // Keep the email, clear the password and put the cursor back where the fix is.
      if (passwordRef.current) {
        passwordRef.current.value = '';
        passwordRef.current.focus();
      }
    } finally {
      busy.value = false;
    }
  }

  return (
    <main class="login">
      <form class="login-card" data-testid="login-form" onSubmit={onSubmit} aria-describedby="login-error">
        <h1 class="login-title">
          <span class="brand-mark" aria-hidden="true" />
          {t('app.name')}
        </h1>
        <p class="login-sub">{t('login.sub')}</p>
        {notice && <p class="login-notice">{notice}</p>}
        {app.store.needsAdmin.value && (
          <p class="login-notice" data-testid="needs-admin">
            <Filled
              text={t('login.needsAdmin')}
              parts={{
                envEmail: <code>NEWSDESK_ADMIN_EMAIL</code>,
                envPassword: <code>NEWSDESK_ADMIN_PASSWORD</code>,
                command: <code dir="ltr">npx newsdesk user add --email you@example.org --admin</code>,
              }}
            />
          </p>
        )}
        <label class="field">
          <span class="field-label">{t('login.email')}</span>
          <input name="email" type="email" autoComplete="username" required autoFocus dir="auto" />
        </label>
        <label class="field">
          <span class="field-label">{t('login.password')}</span>
          <input ref={passwordRef} name="password" type="password" autoComplete="current-password" required />
        </label>
        <p id="login-error" class="form-error" role="alert" data-testid="login-error" hidden={!error.value}>
          {error.value}
        </p>
        <button type="submit" class="btn btn-primary" disabled={busy.value}>
          {busy.value ? t('login.busy') : t('login.submit')}
        </button>
      </form>
    </main>
  );
}
