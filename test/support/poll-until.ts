/**
 * Deadline-bounded polling for integration tests: never a fixed long sleep, and a timeout that says
 * what was last seen instead of a bare "timed out".
 */

export interface PollOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Shown in the timeout error. */
  what?: string;
}

/**
 * Calls `probe` until it returns a value other than undefined/false and resolves with that value.
 * A probe that throws is retried (the server may not be listening yet); `describeLast` reports what
 * was last observed when the deadline passes.
 */
export async function pollUntil<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 15_000, intervalMs = 20, what = 'condition' }: PollOptions = {},
  describeLast?: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      lastError = undefined;
    } catch (err) {
      // A probe may fail transiently (server not listening yet, db busy): keep polling until the deadline.
      lastError = err;
    }
    if (Date.now() > deadline) {
      const last =
        describeLast?.() ?? (lastError ? String((lastError as Error).message ?? lastError) : 'not met');
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
