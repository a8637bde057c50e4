import { existsSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions, type Page } from 'playwright-core';

/** Debian's Chromium: playwright-core ships no browser, and this machine cannot download one. */
export const CHROMIUM_PATH = process.env.NEWSDESK_CHROMIUM ?? '/usr/bin/chromium';

// The machine's network is closed: anything that phones home (QUIC probes, component updates,
// sync, field trials) would only stall or log errors, so it is all switched off.
const ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export type BrowserAvailability = { ok: true } | { ok: false; reason: string };

export function browserAvailable(): BrowserAvailability {
  if (!existsSync(CHROMIUM_PATH)) {
    return { ok: false, reason: 'chromium missing: run `sudo apt-get install -y chromium`' };
  }
  return { ok: true };
}

export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // Playwright adds its own --headless; ours picks the new headless mode explicitly.
    headless: true,
    ...options,
    args: [...ARGS, ...(options.args ?? [])],
  });
}

/** Opens the app and signs in through the real sign-in form (not a cookie shortcut). */
export async function signIn(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(url);
  const form = page.getByTestId('login-form');
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Sign in' }).click();
}
