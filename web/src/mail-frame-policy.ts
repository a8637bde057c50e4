/**
 * The sandbox of every frame that shows mail HTML: no scripts, forms, same-origin access or top
 * navigation; links may open a new tab, which leaves the sandbox so the linked site works normally.
 */
export const MAIL_FRAME_SANDBOX = 'allow-popups allow-popups-to-escape-sandbox';
