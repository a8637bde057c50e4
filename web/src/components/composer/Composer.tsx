import { useEffect, useRef, useState } from 'preact/hooks';
import { useApp } from '../../context.ts';
import type { Message } from '../../types.ts';
import {
  cancelReply,
  myDraft,
  renderSavedReply,
  saveDraft,
  savedReplies,
  sendReply,
  uploadFile,
  type Reply,
  type SavedReplyChoice,
  type ThreadChange,
  type UploadedFile,
} from './reply-api.ts';
import { ReplyStates, STATE_KEYS } from './ReplyStates.tsx';
import { FormatPreview } from './FormatPreview.tsx';
import { toggleList, wrapSelection, type Edit } from './format-edit.ts';
import { changeText, composerText } from './strings.ts';
import './composer.css';

/**
 * Where the reply will go, by the server's rule (server/mail/smtp/reply-headers.ts): the sender of the
 * journalist's latest message, and with reply-all its To and Cc, never our own address.
 */
function replyRecipients(
  messages: Message[],
  replyAll: boolean,
  ownAddresses: string[],
): { to: string[]; cc: string[] } {
  const inbound = messages.filter((m) => m.direction === 'in');
  const parent = [...inbound].reverse().find((m) => m.kind === 'human') ?? inbound.at(-1);
  if (!parent) return { to: [], cc: [] };
  const ours = new Set([
    ...ownAddresses.map((a) => a.toLowerCase()),
    ...messages.filter((m) => m.direction === 'out').map((m) => m.from.email.toLowerCase()),
  ]);
  const to = parent.from.email;
  const seen = new Set([to.toLowerCase(), ...ours]);
  const cc = replyAll
    ? [...parent.to, ...parent.cc]
        .map((a) => a.email)
        .filter((e) => {
          const key = e.toLowerCase();
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        })
    : [];
  return { to: [to], cc };
}

type ReplyFormat = 'plain' | 'simple';

// The officer's last choice of formatting, kept in this browser.
const FORMAT_KEY = 'newsdesk.replyFormat';

function storedFormat(): ReplyFormat {
  try {
    return localStorage.getItem(FORMAT_KEY) === 'simple' ? 'simple' : 'plain';
  } catch {
    return 'plain';
  }
}

function newKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

type Phase =
  | { kind: 'writing' }
  | { kind: 'sending' }
  | { kind: 'changed'; version: number; changes: ThreadChange[] }
  | { kind: 'reply-to'; version: number | null; from: string; replyTo: string[] }
  | { kind: 'sent'; replyId: number };

/**
 * Reply box under a thread: text in the writer's own direction, quote and reply-all toggles, the
 * status after sending, Send with an undo bar for the hold window, the collision choice when someone
 * else acted on the thread first, and the reply's delivery state as it changes.
 */
export function Composer() {
  const app = useApp();
  const store = app.store;
  const d = store.detail.value;
  const t = composerText(store.language.value);
  const [text, setText] = useState('');
  const [format, setFormat] = useState<ReplyFormat>(storedFormat);
  const textRef = useRef<HTMLTextAreaElement>(null);
  // The selection to restore once a toolbar edit has re-rendered the textarea.
  const selectionRef = useRef<{ start: number; end: number } | null>(null);
  const [quote, setQuote] = useState(true);
  const [replyAll, setReplyAll] = useState(false);
  const [statusAfterSend, setStatusAfterSend] = useState<'answered' | 'waiting'>('answered');
  const [forwarded, setForwarded] = useState<ReadonlySet<number>>(new Set());
  const [uploaded, setUploaded] = useState<UploadedFile[]>([]);
  const [uploading, setUploading] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: 'writing' });
  const [error, setError] = useState<string | null>(null);
  const [latest, setLatest] = useState<Reply | null>(null);
  const [, setTick] = useState(0);
  const [choices, setChoices] = useState<SavedReplyChoice[]>([]);
  const [missing, setMissing] = useState<string[]>([]);
  const keyRef = useRef<string | null>(null);
  // The newest thread version this officer has already been shown and chose to send over; a later
  // Send (after undo, or another reply) must not stop them again for the same changes.
  const acknowledgedRef = useRef<number | null>(null);
  const draftTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const threadId = d?.threadId;
  const releaseId = d?.thread?.release?.id ?? null;
  const meId = store.me.value?.id ?? null;

  // A new thread starts a new reply, from my saved draft if I left one there.
  useEffect(() => {
    setText('');
    setPhase({ kind: 'writing' });
    setError(null);
    setLatest(null);
    setForwarded(new Set());
    setUploaded([]);
    setMissing([]);
    keyRef.current = null;
    acknowledgedRef.current = null;
    if (threadId === undefined || meId === null) return;
    let current = true;
    void myDraft(threadId, meId).then((body) => {
      if (current && body) setText((now) => now || body);
    });
    return () => {
      current = false;
      if (draftTimer.current) clearTimeout(draftTimer.current);
    };
  }, [threadId, meId]);

  useEffect(() => {
    const wanted = selectionRef.current;
    const area = textRef.current;
    if (!wanted || !area) return;
    selectionRef.current = null;
    area.focus();
    area.setSelectionRange(wanted.start, wanted.end);
  }, [text]);

  // Saved replies, the thread's release's lines to take first.
  useEffect(() => {
    let current = true;
    void savedReplies(releaseId).then((list) => {
      if (current) setChoices(list);
    });
    return () => {
      current = false;
    };
  }, [releaseId]);

  /** Saves the draft shortly after typing stops, so colleagues see it and nothing is lost. */
  function scheduleDraft(id: number, body: string): void {
    if (draftTimer.current) clearTimeout(draftTimer.current);
    draftTimer.current = setTimeout(() => void saveDraft(id, body), 800);
  }

  // The reply as the thread shows it (updated live by reply.status events), else the last answer.
  const sentId = phase.kind === 'sent' ? phase.replyId : null;
  const live =
    sentId === null
      ? null
      : (d?.messages.find((m) => m.reply?.id === sentId)?.reply ?? (latest?.id === sentId ? latest : null));

  // A countdown for the undo bar while the reply is held.
  const held = live?.state === 'held';
  useEffect(() => {
    if (!held) return;
    const timer = setInterval(() => setTick((n) => n + 1), 500);
    return () => clearInterval(timer);
  }, [held]);

  if (!d || !d.thread) return null;
  // The thread's own attachments, which a reply may forward; files from the officer's computer are uploaded.
  const threadFiles = [...new Map(d.messages.flatMap((m) => m.attachments).map((f) => [f.id, f])).values()];
  const recipients = replyRecipients(
    d.messages,
    replyAll,
    store.mailboxes.value.map((m) => m.address),
  );

  /** The version the officer's reply is based on: what they opened, or what they already sent over. */
  function seenVersion(): number | null {
    if (!d || d.version === null) return acknowledgedRef.current;
    return Math.max(d.version, acknowledgedRef.current ?? 0);
  }

  /** Applies a toolbar edit to the text, as typing would, and keeps the edited part selected. */
  function applyEdit(edit: (value: string, start: number, end: number) => Edit): void {
    const area = textRef.current;
    if (!d || !area) return;
    const result = edit(area.value, area.selectionStart, area.selectionEnd);
    selectionRef.current = { start: result.selectionStart, end: result.selectionEnd };
    setText(result.value);
    app.setComposing(result.value.trim().length > 0);
    scheduleDraft(d.threadId, result.value);
  }

  function chooseFormat(next: ReplyFormat): void {
    setFormat(next);
    try {
      localStorage.setItem(FORMAT_KEY, next);
    } catch {
      // A browser without storage just forgets the choice.
    }
  }

  /** Uploads the chosen files one by one; each is attached once the server has it. */
  async function attach(files: File[]): Promise<void> {
    setUploading(true);
    setError(null);
    for (const file of files) {
      const result = await uploadFile(file);
      if (result.ok) setUploaded((now) => [...now, result.upload]);
      else
        setError(
          t('attach.failed')
            .replace('{name}', () => file.name)
            .replace('{reason}', () => result.message),
        );
    }
    setUploading(false);
  }

  async function send(basedOnVersion: number | null, replyTo?: 'from' | 'reply-to'): Promise<void> {
    if (!d || !text.trim() || uploading) return;
    keyRef.current ??= newKey();
    // The server clears the draft once the reply is stored; a late save must not bring it back.
    if (draftTimer.current) clearTimeout(draftTimer.current);
    setPhase({ kind: 'sending' });
    setError(null);
    const outcome = await sendReply(
      d.threadId,
      {
        text,
        format,
        quote,
        replyAll,
        statusAfterSend,
        ...(forwarded.size > 0 ? { attachmentIds: [...forwarded] } : {}),
        ...(uploaded.length > 0 ? { uploadIds: uploaded.map((u) => u.id) } : {}),
        ...(basedOnVersion !== null ? { basedOnVersion } : {}),
        ...(replyTo ? { replyTo } : {}),
      },
      keyRef.current,
    );
    if (outcome.kind === 'accepted') {
      if (basedOnVersion !== null)
        acknowledgedRef.current = Math.max(acknowledgedRef.current ?? 0, basedOnVersion);
      setLatest(outcome.reply);
      setUploaded([]);
      setPhase({ kind: 'sent', replyId: outcome.reply.id });
      app.setComposing(false);
    } else {
      // Not sent: the words are still a draft, including whatever was typed just before Send.
      scheduleDraft(d.threadId, text);
      if (outcome.kind === 'reply-to') {
        setPhase({ kind: 'reply-to', version: basedOnVersion, from: outcome.from, replyTo: outcome.replyTo });
      } else if (outcome.kind === 'changed') {
        setPhase({ kind: 'changed', version: outcome.version, changes: outcome.changes });
      } else {
        setError(outcome.message);
        setPhase({ kind: 'writing' });
      }
    }
  }

  async function undo(): Promise<void> {
    if (sentId === null) return;
    const result = await cancelReply(sentId);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    // Back to writing, with the words kept (and saved as a draft again, since sending cleared it);
    // the next Send is a new reply with a new key.
    if (d) scheduleDraft(d.threadId, text);
    keyRef.current = null;
    setLatest(null);
    setPhase({ kind: 'writing' });
  }

  function startOver(): void {
    keyRef.current = null;
    setText('');
    setLatest(null);
    setPhase({ kind: 'writing' });
  }

  const seconds =
    live?.state === 'held' ? Math.max(0, Math.ceil((Date.parse(live.sendAfter) - Date.now()) / 1000)) : 0;
  const busy = phase.kind === 'sending';

  if (phase.kind === 'sent') {
    const state = live?.state ?? 'queued';
    const trouble = state === 'failed' || state === 'bounced' || state === 'retrying';
    return (
      <>
        <ReplyStates messages={d.messages.filter((m) => m.reply?.id !== sentId)} />
        <section class="composer composer-done" aria-label={t('label')} data-testid="composer">
          {state === 'held' ? (
            <div class="undo-bar" role="status" data-testid="undo-bar">
              <span>{t('undo.sendingIn').replace('{n}', String(seconds))}</span>
              <button type="button" class="btn" onClick={() => void undo()} data-testid="undo-send">
                {t('undo')}
              </button>
            </div>
          ) : (
            <p
              class={`reply-state reply-state-${state}`}
              role="status"
              data-testid="reply-state"
              data-state={state}
            >
              {t(STATE_KEYS[state])}
              {trouble && live?.lastError && (
                <>
                  {': '}
                  <bdi dir="auto">{live.lastError}</bdi>
                </>
              )}
              {state === 'cancelled' && live?.returnNote && (
                <>
                  {' — '}
                  <bdi dir="auto">{live.returnNote}</bdi>
                </>
              )}
            </p>
          )}
          {error && (
            <p class="inline-error" role="alert">
              {error}
            </p>
          )}
          {state !== 'held' && (
            <button type="button" class="btn btn-quiet" onClick={startOver} data-testid="compose-another">
              {t('another')}
            </button>
          )}
        </section>
      </>
    );
  }

  return (
    <>
      <ReplyStates messages={d.messages} />
      <section class="composer" aria-label={t('label')} data-testid="composer">
        <label class="composer-label" for="composer-text">
          {t('label')}
        </label>
        {recipients.to.length > 0 && (
          <p class="composer-to" data-testid="composer-to">
            {t('to')} <bdi>{recipients.to.join(', ')}</bdi>
            {recipients.cc.length > 0 && (
              <>
                {' · '}
                {t('cc')} <bdi>{recipients.cc.join(', ')}</bdi>
              </>
            )}
          </p>
        )}
        {choices.length > 0 && (
          <label class="composer-saved">
            {t('saved')}{' '}
            <select
              data-testid="saved-reply-picker"
              value=""
              onChange={(e) => {
                const id = Number((e.target as HTMLSelectElement).value);
                if (!id) return;
                void renderSavedReply(d.threadId, id).then((rendered) => {
                  if (!rendered) return;
                  const next = text.trim() ? `${text.trimEnd()}\n\n${rendered.text}` : rendered.text;
                  setText(next);
                  setMissing(rendered.missing);
                  app.setComposing(true);
                  scheduleDraft(d.threadId, next);
                });
              }}
            >
              <option value="">{t('saved.pick')}</option>
              {choices.map((c) => (
                <option key={c.id} value={c.id} dir="auto">
                  {c.release ? `${t('saved.lines')}: ` : ''}
                  {c.title} ({c.language})
                </option>
              ))}
            </select>
          </label>
        )}
        {missing.length > 0 && (
          <p class="composer-missing" role="status">
            {t('saved.missing')} <bdi>{missing.map((m) => `{${m}}`).join(', ')}</bdi>
          </p>
        )}
        <div class="composer-format">
          <label>
            {t('format')}{' '}
            <select
              value={format}
              data-testid="composer-format"
              onChange={(e) => chooseFormat((e.target as HTMLSelectElement).value as ReplyFormat)}
            >
              <option value="plain">{t('format.plain')}</option>
              <option value="simple">{t('format.simple')}</option>
            </select>
          </label>
          {format === 'simple' && (
            <div class="composer-toolbar" role="toolbar" aria-label={t('format.toolbar')}>
              <button
                type="button"
                class="btn btn-quiet"
                title={t('format.bold')}
                aria-label={t('format.bold')}
                data-testid="format-bold"
                disabled={busy}
                onClick={() => applyEdit((v, s, e) => wrapSelection(v, s, e, '**'))}
              >
                <strong>B</strong>
              </button>
              <button
                type="button"
                class="btn btn-quiet"
                title={t('format.italic')}
                aria-label={t('format.italic')}
                data-testid="format-italic"
                disabled={busy}
                onClick={() => applyEdit((v, s, e) => wrapSelection(v, s, e, '_'))}
              >
                <em>I</em>
              </button>
              <button
                type="button"
                class="btn btn-quiet"
                title={t('format.list')}
                aria-label={t('format.list')}
                data-testid="format-list"
                disabled={busy}
                onClick={() => applyEdit(toggleList)}
              >
                •
              </button>
            </div>
          )}
        </div>
        {format === 'simple' && <p class="composer-format-help">{t('format.help')}</p>}
        <textarea
          ref={textRef}
          id="composer-text"
          class="composer-text"
          dir="auto"
          rows={6}
          value={text}
          placeholder={t('placeholder')}
          data-testid="composer-text"
          disabled={busy}
          onInput={(e) => {
            const value = (e.target as HTMLTextAreaElement).value;
            setText(value);
            app.setComposing(value.trim().length > 0);
            scheduleDraft(d.threadId, value);
          }}
          onKeyDown={(e) => {
            // Ctrl/Cmd+Enter sends, as in most mail clients.
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              void send(seenVersion());
            }
            // Ctrl/Cmd+B and +I mark the selection, as in any editor (only when formatting is on).
            const key = e.key.toLowerCase();
            if (
              format === 'simple' &&
              (e.ctrlKey || e.metaKey) &&
              !e.altKey &&
              (key === 'b' || key === 'i')
            ) {
              e.preventDefault();
              applyEdit((v, s, end) => wrapSelection(v, s, end, key === 'b' ? '**' : '_'));
            }
          }}
        />
        {format === 'simple' && text.trim() && <FormatPreview text={text} label={t('format.preview')} />}
        <div class="composer-uploads">
          <label>
            {t('attach')}{' '}
            <input
              type="file"
              multiple
              data-testid="composer-attach"
              disabled={uploading}
              onChange={(e) => {
                const input = e.target as HTMLInputElement;
                const files = [...(input.files ?? [])];
                // Cleared so choosing the same file again uploads it again.
                input.value = '';
                if (files.length > 0) void attach(files);
              }}
            />
          </label>
          {uploading && <span>{t('attach.uploading')}</span>}
          {uploaded.map((u) => (
            <span key={u.id} class="composer-upload" data-testid="composer-upload">
              <bdi dir="auto">{u.filename}</bdi> ({Math.max(1, Math.round(u.size / 1024))} KB){' '}
              <button
                type="button"
                aria-label={t('attach.remove').replace('{name}', () => u.filename)}
                onClick={() => setUploaded((now) => now.filter((x) => x.id !== u.id))}
              >
                ×
              </button>
            </span>
          ))}
        </div>
        {threadFiles.length > 0 && (
          <fieldset class="composer-files">
            <legend>{t('files')}</legend>
            {threadFiles.map((f) => (
              <label key={f.id}>
                <input
                  type="checkbox"
                  checked={forwarded.has(f.id)}
                  onChange={(e) => {
                    const next = new Set(forwarded);
                    if ((e.target as HTMLInputElement).checked) next.add(f.id);
                    else next.delete(f.id);
                    setForwarded(next);
                  }}
                />{' '}
                <bdi dir="auto">{f.filename ?? t('files.unnamed')}</bdi> (
                {Math.max(1, Math.round(f.size / 1024))} KB)
              </label>
            ))}
          </fieldset>
        )}
        <div class="composer-options">
          <label>
            <input
              type="checkbox"
              checked={quote}
              onChange={(e) => setQuote((e.target as HTMLInputElement).checked)}
            />{' '}
            {t('quote')}
          </label>
          <label>
            <input
              type="checkbox"
              checked={replyAll}
              data-testid="reply-all"
              onChange={(e) => setReplyAll((e.target as HTMLInputElement).checked)}
            />{' '}
            {t('replyAll')}
          </label>
          <label>
            {t('after')}{' '}
            <select
              value={statusAfterSend}
              data-testid="status-after-send"
              onChange={(e) =>
                setStatusAfterSend((e.target as HTMLSelectElement).value as 'answered' | 'waiting')
              }
            >
              <option value="answered">{t('after.answered')}</option>
              <option value="waiting">{t('after.waiting')}</option>
            </select>
          </label>
        </div>
        {phase.kind === 'reply-to' && (
          <div class="collision" role="alert" data-testid="reply-to-choice">
            <p>
              <bdi>{phase.from}</bdi> {t('replyTo.asks')} <bdi>{phase.replyTo.join(', ')}</bdi>
            </p>
            <div class="collision-actions">
              <button type="button" class="btn btn-quiet" onClick={() => void send(phase.version, 'from')}>
                {t('replyTo.from')} <bdi>{phase.from}</bdi>
              </button>
              <button
                type="button"
                class="btn"
                data-testid="reply-to-use"
                onClick={() => void send(phase.version, 'reply-to')}
              >
                {t('replyTo.use')} <bdi>{phase.replyTo.join(', ')}</bdi>
              </button>
            </div>
          </div>
        )}
        {phase.kind === 'changed' && (
          <div class="collision" role="alert" data-testid="collision">
            <p>
              {(() => {
                const who = phase.changes.find((c) => c.actor)?.actor?.name;
                return who ? (
                  <>
                    <strong>
                      <bdi dir="auto">{who}</bdi>
                    </strong>{' '}
                    {t('changed.since')}
                  </>
                ) : (
                  t('changed.thread')
                );
              })()}
            </p>
            <ul>
              {phase.changes.map((c) => (
                <li key={c.seq}>
                  <bdi dir="auto">{changeText(t, c.summary)}</bdi>
                </li>
              ))}
            </ul>
            <div class="collision-actions">
              <button
                type="button"
                class="btn btn-quiet"
                data-testid="collision-review"
                onClick={() => {
                  setPhase({ kind: 'writing' });
                  void app.openThread(d.threadId);
                  // Reloading the thread resets presence; the officer is still writing this reply.
                  app.setComposing(text.trim().length > 0);
                }}
              >
                {t('changed.review')}
              </button>
              <button
                type="button"
                class="btn"
                data-testid="collision-send-anyway"
                onClick={() => void send(phase.version)}
              >
                {t('changed.sendAnyway')}
              </button>
            </div>
          </div>
        )}
        {error && (
          <p class="inline-error" role="alert" data-testid="composer-error">
            {error}
          </p>
        )}
        <div class="composer-actions">
          <button
            type="button"
            class="btn btn-primary"
            data-testid="send-reply"
            disabled={busy || !text.trim() || phase.kind === 'changed' || phase.kind === 'reply-to'}
            onClick={() => void send(seenVersion())}
          >
            {busy ? t('sending') : t('send')}
          </button>
        </div>
      </section>
    </>
  );
}
