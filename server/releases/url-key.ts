const TRACKING_PARAM = /^(utm_[a-z]+|fbclid|gclid|dclid|mc_cid|mc_eid|_ga|_gl|igshid|ref|src)$/i;

/**
 * The comparison key of a release URL: scheme, "www.", tracking parameters, fragment and trailing
 * slash dropped, host lower-cased. Two links to one page give one key.
 */
export function releaseUrlKey(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return url.trim().toLowerCase();
  }
  const params = [...parsed.searchParams.entries()].filter(([key]) => !TRACKING_PARAM.test(key));
  params.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query = params.length ? `?${new URLSearchParams(params).toString()}` : '';
  const path = decodeURIComponent(parsed.pathname).replace(/\/+$/, '');
  return `${parsed.hostname.toLowerCase().replace(/^www\./, '')}${path}${query}`;
}
