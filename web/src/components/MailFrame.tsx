import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { useApp, useT } from '../context.ts';
import { MAIL_FRAME_SANDBOX } from '../mail-frame-policy.ts';
import type { MessageHtmlInfo } from '../types.ts';

/**
 * The message's HTML, only ever inside a sandboxed frame: no scripts, forms, top navigation or
 * same-origin access (its origin is opaque), served by the server with its own strict CSP. Links
 * may open in a new tab (allow-popups), escaping the sandbox so the page they open works normally.
 */
export function MailFrame({ messageId }: { messageId: number }) {
  const app = useApp();
  const t = useT();
  const info = useSignal<MessageHtmlInfo | null>(null);
  // Changing the src reloads the frame after the image allow-list changed.
  const revision = useSignal(0);

  useEffect(() => {
    let live = true;
    app.api.htmlInfo(messageId).then(
      (i) => live && (info.value = i),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [messageId, revision.value]);

  const i = info.value;
  const toggleImages = async (allow: boolean) => {
    if (!i) return;
    try {
      await (allow ? app.api.allowImagesFrom(i.sender) : app.api.blockImagesFrom(i.sender));
      revision.value++;
    } catch {
      // The notice stays as it was; nothing changed on the server.
    }
  };

  if (i && !i.renderable) return <p class="flag flag-warn">{t('message.tooLarge')}</p>;
  return (
    <div class="mail-frame" data-testid="mail-frame">
      {i && (i.remoteBlocked > 0 || i.imagesAllowed) && (
        <p class="remote-notice" data-testid="remote-notice">
          {!i.imagesAllowed && <span>{t('message.remoteBlocked', { n: i.remoteBlocked })}</span>}
          {/* The server fetched the allowed images itself; some may have been refused or too large. */}
          {i.imagesAllowed && i.imagesDropped > 0 && (
            <span>{t('message.imagesDropped', { n: i.imagesDropped })}</span>
          )}
          <button
            type="button"
            class="btn btn-quiet"
            data-testid={i.imagesAllowed ? 'hide-images' : 'show-images'}
            onClick={() => void toggleImages(!i.imagesAllowed)}
          >
            {i.imagesAllowed ? t('message.hideImages') : t('message.showImages')}
          </button>
        </p>
      )}
      <iframe
        key={revision.value}
        title={t('message.frameTitle')}
        src={`/api/messages/${encodeURIComponent(String(messageId))}/html?r=${revision.value}`}
        sandbox={MAIL_FRAME_SANDBOX}
        referrerpolicy="no-referrer"
        loading="lazy"
        data-testid="mail-iframe"
      />
    </div>
  );
}
