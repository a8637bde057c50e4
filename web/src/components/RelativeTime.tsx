import { absoluteTime, relativeTime } from '../format.ts';
import { useApp } from '../context.ts';

/** Relative for scanning, absolute on hover and for assistive tech via <time datetime>. */
export function RelativeTime({ iso, class: className }: { iso: string; class?: string }) {
  const { store } = useApp();
  return (
    <time class={className} dateTime={iso} title={absoluteTime(iso)}>
      {relativeTime(iso, store.now.value, store.language.value)}
    </time>
  );
}
