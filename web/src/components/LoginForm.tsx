import { useSignal } from '@preact/signals';
import { useRef } from 'preact/hooks';
import type { TargetedSubmitEvent } from 'preact';
import { useApp } from '../context.ts';
import { ApiError } from '../net/api.ts';

export function LoginForm({ notice }: { notice?: string | undefined }) {
  const app = useApp();
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
      error.value = err instanceof ApiError ? err.message : 'Could not sign in. Please try again.';
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
          Newsdesk
        </h1>
        <p class="login-sub">Sign in to the press office inbox.</p>
        {notice && <p class="login-notice">{notice}</p>}
        {app.store.needsAdmin.value && (
          <p class="login-notice" data-testid="needs-admin">
            No staff account exists yet. Restart the server with <code>NEWSDESK_ADMIN_EMAIL</code> and{' '}
            <code>NEWSDESK_ADMIN_PASSWORD</code> set, or run{' '}
            <code>npx newsdesk user add --email you@example.org --admin</code>.
          </p>
        )}
        <label class="field">
          <span class="field-label">Email</span>
          <input name="email" type="email" autoComplete="username" required autoFocus dir="auto" />
        </label>
        <label class="field">
          <span class="field-label">Password</span>
          <input ref={passwordRef} name="password" type="password" autoComplete="current-password" required />
        </label>
        <p id="login-error" class="form-error" role="alert" data-testid="login-error" hidden={!error.value}>
          {error.value}
        </p>
        <button type="submit" class="btn btn-primary" disabled={busy.value}>
          {busy.value ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
