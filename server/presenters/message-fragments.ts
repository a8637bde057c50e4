import { splitReplyText } from '../domain/quotes/index.ts';

export interface MessageFragment {
  kind: 'new' | 'quoted' | 'signature' | 'forwarded';
  text: string;
}

// Longer bodies are shown whole: splitting is for reading a reply, not for archives pasted in mail.
const MAX_SPLIT_LENGTH = 50_000;

/**
 * The body in the order written, as the sender's new words, quoted history, forwarded mail and
 * signature, for the UI to fold all but the new words. Undefined when there is nothing to fold.
 */
export function messageFragments(text: string, sender: string): MessageFragment[] | undefined {
  if (!text || text.length > MAX_SPLIT_LENGTH) return undefined;
  const fragments = splitReplyText(text, { sender }).fragments;
  if (fragments.every((f) => f.kind === 'new')) return undefined;
  return fragments.map((f) => ({ kind: f.kind, text: f.text }));
}
