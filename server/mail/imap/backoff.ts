export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  /** Auth failures retry slowly: a wrong password must not hammer the server or lock the account. */
  authCapMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 60_000, authCapMs: 5 * 60_000 };

/**
 * Capped exponential backoff with "equal jitter": half fixed, half random, so many clients that lost
 * the same server do not reconnect in lockstep, and no retry is ever immediate.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  authFailure: boolean,
  random: () => number,
): number {
  if (authFailure) return policy.authCapMs;
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(exp / 2 + (random() * exp) / 2);
}
