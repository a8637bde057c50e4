export interface NormalizedSubject {
  /** The comparison key: prefixes and tags stripped, whitespace collapsed, case-folded. */
  base: string;
  /** A reply prefix (Re:, AW:, رد: …) was stripped somewhere in the chain. */
  isReply: boolean;
  /** A forward prefix (Fwd:, WG:, إعادة توجيه: …), "[fwd: …]" wrapper or "(fwd)" trailer was stripped. */
  isForward: boolean;
}

/**
 * Approximates Unicode full case folding: upper-then-lower maps ß and ẞ to "ss", which toLowerCase()
 * alone does not; NFKC before and after folds full-width forms (：, Ｒｅ), ligatures and Arabic
 * presentation forms to their plain letters.
 */
function fold(text: string): string {
  return text.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}

// Client-inserted reply markers, by language. Single letters (Italian Outlook "R:") are safe because
// a separator is required right after the word.
// prettier-ignore
const REPLY_WORDS = [
  're', 'aw', 'antw', 'antwort', 'sv', 'vs', 'odp', 'ynt', 'res', 'rif', 'ris', 'r', 'ref', 'réf', 'rép',
  'vá', 'απ', 'σχετ', 'השב', 'תשובה', '回复', '回覆', '答复', '返信',
  'رد', 'الرد', 'جواب', 'پاسخ',
];
// prettier-ignore
const FORWARD_WORDS = [
  'fwd', 'fw', 'wg', 'tr', 'rv', 'enc', 'doorst', 'pd', 'vl', 'vb', 'i', 'i̇lt', 'ilt', 'πρθ', 'העבר',
  '转发', '轉寄', '轉發', '転送',
  'إعادة توجيه', 'اعادة توجيه', 'توجيه', 'محول',
];
// Gateways and security filters that tag mail without meaning anything about the conversation.
const TAG_WORDS = ['external', 'ext', 'extern', 'externe', 'spam', 'suspicious', 'خارجي'];

function alternation(words: readonly string[]): string {
  return [...new Set(words.map(fold))]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+'))
    .join('|');
}

// A separator is mandatory so a subject that merely starts with "Re" or "Tr" is left alone. Counters
// ("Re[2]:", "RE(3):", "Re^2:") come from old clients; "Réf. :" and "TR :" from French typography;
// the Arabic comma from Arabic keyboards.
const SEPARATOR = String.raw`\.?\s*(?:\[\d{1,4}\]|\(\d{1,4}\)|\^\d{1,4})?\s*[:،]\s*`;
const REPLY_PREFIX = new RegExp(`(?:${alternation(REPLY_WORDS)})${SEPARATOR}`, 'uy');
const FORWARD_PREFIX = new RegExp(`(?:${alternation(FORWARD_WORDS)})${SEPARATOR}`, 'uy');
const TAG_PREFIX = new RegExp(
  String.raw`(?:(?:${alternation(TAG_WORDS)})\s*:|\(\s*(?:${alternation(TAG_WORDS)})\s*\)|\*+\s*(?:${alternation(TAG_WORDS)})\s*\*+)\s*`,
  'uy',
);
// Any leading [blob] (list names, [EXTERNAL], [#123], [SPAM]) except a "[fwd: …]" wrapper, handled apart.
const BRACKET_PREFIX = /\[(?!\s*(?:fwd|fw)\s*:)[^[\]]{0,200}\]\s*/uy;
// Trailing tokens: RFC 5256 "(fwd)", ticket numbers ("[#123]", "[Ticket#2024-7]", Salesforce
// "[ ref:_00D…:ref ]") and external-mail tags that some gateways append instead of prepend.
const FWD_TRAILER = /\s*\(fwd\)$/u;
const TICKET_TRAILER = new RegExp(
  String.raw`\s*\[(?:[^[\]]{0,40}#[^[\]]{0,40}|\s*ref:[^[\]]{1,80}:ref\s*|(?:${alternation(TAG_WORDS)}))\]$`,
  'u',
);
const LEADERS = [
  [REPLY_PREFIX, 'reply'],
  [FORWARD_PREFIX, 'forward'],
  [TAG_PREFIX, 'tag'],
  [BRACKET_PREFIX, 'tag'],
] as const;
const FWD_WRAPPER = /^\[\s*(?:fwd|fw)\s*:\s*([\s\S]*)\]$/u;

/** Removes characters that are invisible or decorative in a subject: controls, bidi marks, tatweel. */
function clean(subject: string): string {
  return subject
    .replace(/[\p{Cc}\u2028\u2029]/gu, ' ')
    .replace(/[\p{Cf}\u0640]/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** The comparison key of a subject plus whether the sender's client marked it as a reply or forward. */
export function normalizeSubject(subject: string): NormalizedSubject {
  let text = clean(fold(clean(subject ?? '')));
  let isReply = false;
  let isForward = false;

  // RFC 5256 §2.1 order: trailers, then leaders until stable, then unwrap "[fwd: …]" and start over.
  for (;;) {
    for (let changed = true; changed;) {
      changed = false;
      if (FWD_TRAILER.test(text)) {
        text = text.replace(FWD_TRAILER, '');
        isForward = true;
        changed = true;
      } else if (TICKET_TRAILER.test(text)) {
        text = text.replace(TICKET_TRAILER, '');
        changed = true;
      }
    }
    // Sticky regexes walk an index instead of re-slicing, so "Re: " × 10,000 stays linear.
    let at = 0;
    for (let moved = true; moved && at < text.length;) {
      moved = false;
      for (const [re, kind] of LEADERS) {
        re.lastIndex = at;
        const m = re.exec(text);
        if (m && m[0].length > 0) {
          at += m[0].length;
          if (kind === 'reply') isReply = true;
          if (kind === 'forward') isForward = true;
          moved = true;
          break;
        }
      }
    }
    text = text.slice(at).trim();
    const wrapped = FWD_WRAPPER.exec(text);
    if (!wrapped) break;
    text = wrapped[1]!.trim();
    isForward = true;
  }
  return { base: text.replace(/\s+/gu, ' ').trim(), isReply, isForward };
}

// Words that say "a journalist wants something" without saying what. A subject made only of these
// (plus digits and punctuation) does not identify a conversation, so it needs a reply prefix to join one.
const GENERIC_WORDS = new Set(
  // prettier-ignore
  [
    // English
    'a', 'an', 'the', 'for', 'from', 'of', 'to', 'on', 'about', 'regarding', 're', 'your', 'our', 'my', 'some',
    'press', 'media', 'news', 'newsroom', 'enquiry', 'enquiries', 'inquiry', 'inquiries', 'query', 'queries',
    'question', 'questions', 'request', 'requests', 'comment', 'comments', 'statement', 'interview', 'interviews',
    'information', 'info', 'urgent', 'quick', 'brief', 'short', 'important', 'time', 'sensitive', 'deadline',
    'today', 'tomorrow', 'asap', 'please', 'help', 'hello', 'hi', 'dear', 'follow', 'up', 'followup', 'new',
    'message', 'journalist', 'reporter', 'contact', 'office', 'team', 'no', 'subject', 'untitled', 'fyi',
    // French, German, Spanish, Italian
    'demande', 'presse', 'de', 'la', 'le', 'des', 'du', 'renseignement', 'renseignements', 'entretien', 'sans',
    'objet', 'anfrage', 'presseanfrage', 'medienanfrage', 'interviewanfrage', 'frage', 'fragen', 'bitte', 'um',
    'stellungnahme', 'kein', 'betreff', 'consulta', 'prensa', 'solicitud', 'pregunta', 'entrevista', 'sin',
    'asunto', 'richiesta', 'stampa', 'domanda', 'intervista', 'nessun', 'oggetto',
    // Arabic (with and without hamza on alef, since both spellings are typed)
    'استفسار', 'الاستفسار', 'استفسارات', 'سؤال', 'أسئلة', 'اسئلة', 'طلب', 'طلبات', 'تعليق', 'للتعليق',
    'صحفي', 'صحفية', 'صحافي', 'صحافية', 'إعلامي', 'إعلامية', 'اعلامي', 'اعلامية', 'عاجل', 'مقابلة', 'لقاء',
    'معلومات', 'بخصوص', 'حول', 'من', 'إلى', 'الى', 'مرحبا', 'تحية', 'رسالة', 'جديد', 'جديدة', 'بدون', 'موضوع',
    'السلام', 'عليكم',
  ].map(fold),
);

/** Whether a normalised subject is too generic ("Press enquiry", "استفسار", empty) to identify a conversation. */
export function isGenericSubject(base: string): boolean {
  const words = fold(base ?? '')
    .replace(/[\p{P}\p{S}\p{N}]/gu, ' ')
    .split(/\s+/u)
    .filter((w) => w.length > 0);
  return words.every((w) => GENERIC_WORDS.has(w));
}
