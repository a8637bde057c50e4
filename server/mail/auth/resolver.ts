// A DNS resolver wrapper that can never hold ingest hostage: every lookup gets its own timeout and
// the whole verification shares one deadline, after which lookups fail at once (BAD-INPUTS A-05).

/** mailauth's resolver signature: `dns.promises.resolve(name, rrtype)`. */
export type Resolver = (name: string, rrtype: string) => Promise<unknown>;

/** A DNS error carrying the Node `dns` error code mailauth switches on. */
export class DnsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DnsError';
  }
}

export interface BoundedResolver {
  resolve: Resolver;
  /** Whether any lookup timed out, hit the deadline or failed with a server error. */
  readonly transientFailures: number;
  readonly lookups: number;
}

const NOT_FOUND = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN']);

/** Wraps a resolver with a per-lookup timeout and a shared overall deadline. */
export function boundedResolver(inner: Resolver, timeoutMs: number, deadlineMs: number): BoundedResolver {
  const deadline = Date.now() + deadlineMs;
  const state = { transientFailures: 0, lookups: 0 };
  const resolve: Resolver = async (name, rrtype) => {
    state.lookups++;
    const budget = Math.min(timeoutMs, deadline - Date.now());
    if (budget <= 0) {
      state.transientFailures++;
      throw new DnsError('ETIMEOUT', `DNS deadline passed before ${rrtype} ${name}`);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new DnsError('ETIMEOUT', `DNS timeout for ${rrtype} ${name}`)), budget);
    });
    try {
      // Promise.resolve().then() also turns a synchronous throw of the inner resolver into a rejection.
      return await Promise.race([Promise.resolve().then(() => inner(name, rrtype)), timeout]);
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && NOT_FOUND.has(code)) {
        throw new DnsError(code === 'NXDOMAIN' ? 'ENOTFOUND' : code, `${rrtype} ${name}: ${code}`);
      }
      state.transientFailures++;
      // Anything else (SERVFAIL, REFUSED, a bug in the resolver) is transient: mailauth maps unknown
      // codes to temperror, which is what RFC 7208 §2.6.6 / RFC 6376 §6.1.2 / RFC 7489 §6.6.3 ask for.
      if (err instanceof DnsError) throw err;
      throw new DnsError(typeof code === 'string' ? code : 'ESERVFAIL', `${rrtype} ${name}: ${String(err)}`);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    resolve,
    get transientFailures() {
      return state.transientFailures;
    },
    get lookups() {
      return state.lookups;
    },
  };
}
