// Headers Newsdesk itself could ever act on. Inbound mail carrying them is lying: they are
// removed before any logic reads the message, and kept only in the raw bytes for the record.
const CONTROL_HEADER = /^x-newsdesk-/i;

/** The parsed header map without our own control headers. */
export function withoutControlHeaders(headers: Map<string, string[]>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, values] of headers) if (!CONTROL_HEADER.test(name)) out.set(name, values);
  return out;
}
