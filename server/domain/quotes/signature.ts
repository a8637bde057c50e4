// Where a run of the sender's own lines turns into their signature. Strong evidence ("-- ", "Sent
// from my iPhone", an HTML signature container) cuts wherever it appears; weak evidence (a sign-off
// such as "Thanks,", the sender's name, a contact block) cuts only inside a short trailing block of
// short lines, so a sentence that merely starts with "Thanks" never loses what follows.

/** One run of the sender's lines, read through accessors so a huge run costs no per-line objects. */
export interface SignatureLines {
  readonly length: number;
  /** matchable() text ("" when blank or too long to match). */
  text(i: number): string;
  blank(i: number): boolean;
  /** The HTML marked this line as part of a signature container. */
  hint(i: number): boolean;
}

/** Lowercased names to look for in a trailing block: the sender's full name and its longer words. */
export interface SenderNames {
  full: string[];
  tokens: string[];
}

const TRAILING_BLOCK_LINES = 12;
/** A "-Name" or "____" footer has at most this many lines, itself included. */
const TAIL_LINES = 10;

/** RFC 3676 §4.3 delimiter "-- ", plus the common space-less "--". */
export function isDelimiter(text: string): boolean {
  return /^--\s*$/.test(text);
}

// "Sent from my iPhone" and its translations: the words before the device name.
// prettier-ignore
const DEVICE_LEADS = [
  'sent from', 'sent via', 'sent with', 'sent using', 'sent on', 'get outlook for', 'envoyé de', 'envoyé depuis',
  'envoyé à partir de', 'envoyé avec', 'envoyé via', 'téléchargez outlook pour', 'gesendet von', 'gesendet mit',
  'gesendet vom', 'verzonden vanaf', 'verzonden met', 'verzonden van', 'verstuurd vanaf', 'verstuurd met',
  'inviato da', 'inviato dal', 'inviato con', 'enviado desde', 'enviado con', 'enviado do', 'enviado de',
  'enviado a partir do', 'wysłane z', 'wysłano z', 'отправлено с', 'отправлено из', 'отправлено со',
  'надіслано з', 'skickat från', 'sendt fra', 'lähetetty', 'odesláno z', 'gönderildi', 'iphone\'umdan gönderildi',
  'أرسلت من', 'أُرسلت من', 'ارسلت من', 'تم الإرسال من', 'تم الارسال من', 'مرسل من', 'مرسلة من', 'أرسل من',
];
const DEVICE_LEAD = new RegExp(`^(?:${DEVICE_LEADS.join('|')})(?![\\p{L}\\p{M}])\\s*(.*)$`, 'iu');
// prettier-ignore
const DEVICE_WHOLE = [
  /^von meine[mr]? .{1,40} gesendet\.?$/iu,
  /^发自我的.{1,30}$/u,
  /^從我的.{1,30}傳送$/u,
  /^.{1,30}から送信$/u,
  /^.{1,30}에서 보냄$/u,
];
// Cheap gate for DEVICE_WHOLE: one of its fixed words must be there.
const DEVICE_WORD = /gesendet|发自|傳送|送信|보냄/i;

/** "Sent from my iPhone", "Envoyé de mon iPhone", "أرسلت من الـ iPhone", … alone on a line. */
export function isDeviceLine(text: string): boolean {
  if (text.length > 100) return false;
  if (DEVICE_WORD.test(text) && DEVICE_WHOLE.some((re) => re.test(text))) return true;
  const m = DEVICE_LEAD.exec(text);
  if (!m) return false;
  // A device name, not a sentence: "Sent from my desk, is much easier …" has to stay.
  const rest = m[1]!.replace(/\(https?:[^)]*\)/g, '').trim();
  if (rest === '' || /[,;:!?،؛]/.test(rest) || /\p{Ll}{2}\.$/u.test(rest)) return false;
  return rest.split(/\s+/).length <= 7;
}

// Closings people put above their name, compared without case and trailing punctuation.
// prettier-ignore
const SIGN_OFFS = new Set([
  'thanks', 'thank you', 'thanks again', 'thanks so much', 'thank you so much', 'many thanks', 'thanks in advance',
  'thx', 'cheers', 'best', 'best regards', 'kind regards', 'warm regards', 'warmest regards', 'regards',
  'best wishes', 'all the best', 'sincerely', 'yours sincerely', 'sincerely yours', 'yours truly',
  'yours faithfully', 'respectfully', 'with thanks', 'with best wishes', 'take care', 'speak soon', 'talk soon',
  'merci', 'merci beaucoup', "merci d'avance", 'cordialement', 'bien cordialement', 'très cordialement',
  'bien à vous', 'salutations', 'sincères salutations', 'meilleures salutations', 'amitiés', 'bonne journée',
  'à bientôt', 'mit freundlichen grüßen', 'mit freundlichen grüssen', 'freundliche grüße', 'viele grüße',
  'beste grüße', 'liebe grüße', 'grüße', 'gruß', 'lg', 'mfg', 'vielen dank', 'saludos', 'un saludo',
  'saludos cordiales', 'atentamente', 'gracias', 'muchas gracias', 'cordiali saluti', 'distinti saluti', 'saluti',
  'grazie', 'grazie mille', 'un saluto', 'met vriendelijke groet', 'met vriendelijke groeten', 'vriendelijke groet',
  'groeten', 'groet', 'bedankt', 'atenciosamente', 'obrigado', 'obrigada', 'cumprimentos', 'с уважением',
  'спасибо', 'pozdrawiam', 'z poważaniem', 'mvh', 'med vänlig hälsning', 'hälsningar',
  'مع التحية', 'مع التحيات', 'مع خالص التحية', 'مع أطيب التحيات', 'مع أطيب التمنيات', 'تحياتي', 'مع تحياتي',
  'شكرا', 'شكراً', 'شكرًا', 'وشكرا', 'وشكراً', 'شكرا لكم', 'شكراً لكم', 'مع الشكر', 'مع الشكر والتقدير',
  'مع جزيل الشكر', 'وتفضلوا بقبول فائق الاحترام', 'مع فائق الاحترام', 'مع وافر الاحترام', 'والسلام',
  'والسلام عليكم', 'تقبلوا تحياتي', 'مع التقدير', 'وتقبلوا فائق الاحترام', 'احترامي',
]);

/** Whether the whole line is a closing such as "Best regards," or "مع خالص التحية،". */
export function isSignOff(text: string): boolean {
  if (text.length > 60) return false;
  const key = text
    .toLowerCase()
    .replace(/^[-–—\s]+/, '')
    .replace(/[\s,.!،:;…-]+$/, '');
  return SIGN_OFFS.has(key);
}

// Same shape as in headers.ts: anchored after a delimiter, labels that cannot overlap.
const EMAIL = /(?<![^\s<>()[\]"',;:])[^\s<>()[\]"',;:@]+@[^\s<>()[\]"',;:@.]+(?:\.[^\s<>()[\]"',;:@.]+)+/u;
const URL = /https?:\/\/|www\./i;
const PHONE = /\+?\d[\d ().-]{6,}\d/;

function isContact(text: string): boolean {
  return (text.includes('@') && EMAIL.test(text)) || URL.test(text) || PHONE.test(text);
}

function endsSentence(text: string): boolean {
  return /[?!؟]$/.test(text) || /[\p{Ll}\p{Lo}]{2}[.。]$/u.test(text);
}

/** Short, unpunctuated lines of the kind a signature is made of: names, titles, phone numbers. */
function isSignatureish(text: string): boolean {
  if (text.length > 80 || endsSentence(text)) return false;
  return isContact(text) || text.split(/\s+/).length <= 8;
}

function isNameLike(text: string): boolean {
  const t = text.replace(/^[-–—\s]+/, '');
  return t.length <= 50 && !endsSentence(t) && t.split(/\s+/).length <= 5 && /^[^\p{Ll}\p{N}]/u.test(t);
}

// "-Abhishek Kona": a dash glued to a short name (a bullet has a space after its dash).
const DASH_NAME = /^-\p{L}[\p{L}\p{M}.'’-]*(?: [\p{L}\p{M}.'’-]+){0,3}$/u;
const UNDERSCORE_RULE = /^_{2,}\s*$/;

function mentionsSender(text: string, sender: SenderNames): boolean {
  const lower = text.toLowerCase();
  if (sender.full.some((name) => lower.includes(name))) return true;
  return sender.tokens.some((token) => {
    const at = lower.indexOf(token);
    if (at < 0) return false;
    const before = lower[at - 1];
    const after = lower[at + token.length];
    const letter = /[\p{L}\p{M}]/u;
    return !(before !== undefined && letter.test(before)) && !(after !== undefined && letter.test(after));
  });
}

/**
 * Index of the first signature line in `lines` (one run of the sender's own lines), or -1.
 * `contentBefore`: the sender wrote something above this run, so a signature here cannot be all
 * they said.
 */
export function signatureStart(
  lines: SignatureLines,
  contentBefore: boolean,
  sender: SenderNames | null,
): number {
  const n = lines.length;
  let firstContent = -1;
  for (let i = 0; i < n && firstContent < 0; i++) if (!lines.blank(i)) firstContent = i;
  if (firstContent < 0) return -1;
  const hasContentBefore = (i: number): boolean => contentBefore || firstContent < i;

  for (let i = firstContent; i < n; i++) {
    if (lines.blank(i)) continue;
    const text = lines.text(i);
    if ((lines.hint(i) || isDelimiter(text) || isDeviceLine(text)) && hasContentBefore(i)) return i;
  }

  // Upstream-style "-Name" sign-offs and "____" list footers: only within the last few short lines.
  let shortTail = n;
  for (let i = n - 1, count = 0; i >= 0; i--) {
    if (lines.blank(i)) continue;
    const text = lines.text(i);
    if (++count > TAIL_LINES || text.length > 100 || text === '') break;
    shortTail = i;
  }
  for (let i = shortTail; i < n; i++) {
    if (lines.blank(i)) continue;
    const text = lines.text(i);
    if ((UNDERSCORE_RULE.test(text) || DASH_NAME.test(text)) && hasContentBefore(i)) return i;
  }

  // A trailing block of short lines, cut at a sign-off, the sender's name or a rule above contacts.
  const block: number[] = []; // indexes of its non-blank lines, last first
  for (let i = n - 1; i >= 0 && block.length < TRAILING_BLOCK_LINES; i--) {
    if (lines.blank(i)) continue;
    if (!isSignatureish(lines.text(i))) break;
    block.push(i);
  }
  block.reverse();
  for (let b = 0; b < block.length; b++) {
    const i = block[b]!;
    if (!hasContentBefore(i)) continue;
    const text = lines.text(i);
    const after = block.slice(b + 1).map((k) => lines.text(k));
    if (isSignOff(text) && after.length >= 1 && after.length <= 8 && isNameLike(after[0]!)) return i;
    if (sender && mentionsSender(text, sender) && isNameLike(text.replace(/^#\w+#/, ''))) return i;
    if (/^[-—–]{4,}$/.test(text) && after.some((t) => isContact(t))) return i;
  }
  return -1;
}

/** Parses a From header value ("Gina X <gina@x.com>", a bare name or a bare address) into names to look for. */
export function senderNames(sender: string | undefined): SenderNames | null {
  if (!sender) return null;
  const text = sender.trim();
  if (text === '') return null;
  const address = /[^\s<>"]+@[^\s<>"]+/.exec(text)?.[0] ?? '';
  const name = text
    .replace(/<[^>]*>/g, '')
    .replace(address, '')
    .replace(/["']/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
  const local = address.split('@')[0] ?? '';
  const tokens = [...name.split(' '), ...local.toLowerCase().split(/[._+-]/)].filter((t) => t.length >= 3);
  const full = name.includes(' ') ? [name] : [];
  if (tokens.length === 0 && full.length === 0) return null;
  return { full, tokens: [...new Set(tokens)] };
}
