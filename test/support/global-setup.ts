/**
 * Vitest globalSetup: says once, up front, when the real mail stack can't run. Integration tests skip
 * themselves with `describe.skipIf(!mailStackAvailable().ok)`; on CI a skip would hide a broken
 * install step, so there it fails the run instead.
 */
import { mailStackAvailable } from './mailstack.ts';

/** Fails the run on CI, or warns once locally, when Postfix/Dovecot are missing. */
export default function setup(): void {
  const status = mailStackAvailable();
  if (status.ok) return;
  if (process.env.CI) throw new Error(status.reason);
  console.warn(status.reason);
}
