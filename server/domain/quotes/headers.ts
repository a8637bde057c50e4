// Recognisers for the lines that introduce quoted or forwarded history: "On … wrote:" attributions in
// many languages, Outlook-style header blocks ("From: … Sent: … To: … Subject:"), "Original Message"
// and "Forwarded message" separators. Every function takes text already passed through matchable()
// and bounded by MAX_MATCH_LENGTH, so no pattern here can run away on hostile input.

export type FieldKind = 'from' | 'date' | 'to' | 'cc' | 'subject';

// Header labels as mail clients print them, by language. Longer labels first so "Envoyé le" wins
// over "Envoyé" and "Copie à" over "Copie".
// prettier-ignore
const FIELD_LABELS: Record<FieldKind, string[]> = {
  from: [
    'from', 'de', 'van', 'da', 'von', 'från', 'fra', 'frá', 'od', 'от', 'від', 'kimden', 'lähettäjä', 'feladó',
    'odesílatel', 'από', 'מאת', 'من', 'المرسل', '发件人', '發件人', '寄件者', '差出人', '보낸 사람', '보낸사람',
  ],
  date: [
    'sent', 'sent on', 'date', 'envoyé', 'envoyé le', "date d'envoi", 'gesendet', 'datum', 'verzonden', 'verstuurd',
    'inviato', 'data', 'enviado', 'enviada', 'enviado el', 'fecha', 'wysłano', 'wysłane', 'data wysłania',
    'отправлено', 'дата', 'надіслано', 'gönderildi', 'tarih', 'lähetetty', 'päivämäärä', 'elküldve', 'dátum',
    'odesláno', 'skickat', 'sendt', 'στάλθηκε', 'ημερομηνία', 'נשלח', 'תאריך', 'أرسلت', 'أرسل', 'تاريخ الإرسال',
    'التاريخ', 'تاريخ', '发送时间', '發送時間', '日期', '傳送日期', '送信日時', '日付', '보낸 날짜', 'message du',
  ],
  to: [
    'to', 'à', 'a', 'aan', 'an', 'para', 'per', 'do', 'кому', 'komu', 'alıcı', 'kime', 'vastaanottaja', 'címzett',
    'till', 'til', 'προς', 'אל', 'إلى', 'الى', '收件人', '收件者', '宛先', '받는 사람', '받는사람',
  ],
  cc: [
    'cc', 'bcc', 'kopie', 'kopie an', 'copie', 'copie à', 'kopia', 'копия', 'копія', 'bilgi', 'kopio', 'κοιν',
    'עותק', 'نسخة', 'نسخة إلى', '抄送', '副本', '참조',
  ],
  subject: [
    'subject', 'objet', 'sujet', 'betreff', 'onderwerp', 'oggetto', 'asunto', 'assunto', 'temat', 'тема', 'konu',
    'aihe', 'tárgy', 'předmět', 'ämne', 'emne', 'θέμα', 'נושא', 'الموضوع', 'موضوع', '主题', '主旨', '件名', '제목',
  ],
};

/** Where the colon of the longest label ("**Data wysłania :**") can be at the latest. */
const MAX_LABEL_END = 24;
const LABEL_KIND = new Map<string, FieldKind>();
for (const [kind, labels] of Object.entries(FIELD_LABELS) as [FieldKind, string[]][]) {
  for (const label of labels) LABEL_KIND.set(label, kind);
}
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const LABEL_ALTERNATION = [...LABEL_KIND.keys()]
  .sort((a, b) => b.length - a.length)
  .map(escape)
  .join('|');

const FIELD_ANYWHERE = new RegExp(`(?:^|\\s|\\*)(${LABEL_ALTERNATION})\\s*\\**\\s*:`, 'giu');

/** The header field a line starts with ("From:", "*From:*", "De :", "أرسلت:", "发件人:" …), or null. */
export function fieldKind(line: string): FieldKind | null {
  // Labels are short, so the colon comes early; the label is then one map lookup, not a regex.
  const colon = line.indexOf(':');
  if (colon < 0 || colon > MAX_LABEL_END) return null;
  const label = line.slice(0, colon).replace(/\*/g, '').trim().toLowerCase();
  return LABEL_KIND.get(label) ?? null;
}

/** Header fields crammed onto one line ("From: a Sent: b To: c Subject: d"), as some clients flatten them. */
export function isOneLineHeader(line: string): boolean {
  if (fieldKind(line) !== 'from') return false;
  const kinds = new Set<FieldKind>();
  for (const m of line.matchAll(FIELD_ANYWHERE)) {
    const kind = LABEL_KIND.get(m[1]!.toLowerCase());
    if (kind) kinds.add(kind);
  }
  return kinds.size >= 3;
}

// An address: starts after a delimiter (so a long run of letters is tried once, not at every
// position) and has dot-separated domain labels that cannot overlap, so it never backtracks far.
const EMAIL = /(?<![^\s<>()[\]"',;:])[^\s<>()[\]"',;:@]+@[^\s<>()[\]"',;:@.]+(?:\.[^\s<>()[\]"',;:@.]+)+/u;
const MAILTO = /mailto:/i;

/** Whether a lone "From:" line carries an address, the only case where one field line is a header. */
export function fromLineHasAddress(line: string): boolean {
  return (line.includes('@') && EMAIL.test(line)) || MAILTO.test(line);
}

// "-----Original Message-----" and its translations.
// prettier-ignore
const ORIGINAL_PHRASES = [
  'original message', 'original e-mail', 'message d\'origine', 'message original', 'ursprüngliche nachricht',
  'originalnachricht', 'oorspronkelijk bericht', 'origineel bericht', 'messaggio originale', 'mensaje original',
  'mensagem original', 'wiadomość oryginalna', 'oryginalna wiadomość', 'исходное сообщение', 'оригинальное сообщение',
  'вихідне повідомлення', 'původní zpráva', 'originalmeddelande', 'opprinnelig melding', 'oprindelig meddelelse',
  'alkuperäinen viesti', 'eredeti üzenet', 'orijinal mesaj', 'özgün ileti', 'αρχικό μήνυμα', 'הודעה מקורית',
  '原始邮件', '原始郵件', '元のメッセージ', '원본 메시지', 'الرسالة الأصلية', 'رسالة أصلية', 'الرسالة الاصلية',
];
// prettier-ignore
const FORWARD_PHRASES = [
  'forwarded message', 'forwarded e-mail', 'forwarded email', 'message transféré', 'message réexpédié',
  'weitergeleitete nachricht', 'doorgestuurd bericht', 'messaggio inoltrato', 'mensaje reenviado',
  'mensagem encaminhada', 'wiadomość przekazana', 'przekazana wiadomość', 'пересылаемое сообщение',
  'пересланное сообщение', 'переслане повідомлення', 'vidarebefordrat meddelande', 'videresendt melding',
  'videresendt meddelelse', 'välitetty viesti', 'továbbított üzenet', 'přeposlaná zpráva', 'iletilen ileti',
  'προωθημένο μήνυμα', 'הודעה שהועברה', '转发的邮件', '轉寄的郵件', '転送されたメッセージ', '전달된 메시지',
  'رسالة معاد توجيهها', 'رسالة مُعاد توجيهها', 'الرسالة المعاد توجيهها', 'الرسالة المُعاد توجيهها', 'رسالة محولة',
  'الرسالة المحولة',
];
// Apple Mail and friends announce a forward with a sentence ending in a colon instead of dashes.
// prettier-ignore
const FORWARD_SENTENCES = [
  'begin forwarded message', 'début du message réexpédié', 'début du message transféré',
  'anfang der weitergeleiteten nachricht', 'inicio del mensaje reenviado', 'início da mensagem reencaminhada',
  'inizio messaggio inoltrato', 'begin doorgestuurd bericht', 'начало переадресованного сообщения',
  'بداية الرسالة المعاد توجيهها', 'بداية الرسالة المُعاد توجيهها',
];

const DASHED = (phrases: string[]): RegExp =>
  new RegExp(`^[-_=*~—–\\s]*(?:${phrases.map(escape).join('|')})[-_=*~—–\\s]*$`, 'iu');
const ORIGINAL_LINE = DASHED(ORIGINAL_PHRASES);
const FORWARD_LINE = DASHED(FORWARD_PHRASES);
const FORWARD_SENTENCE = new RegExp(`^(?:${FORWARD_SENTENCES.map(escape).join('|')})\\s*:$`, 'iu');
const dashCount = (line: string): number => line.replace(/[^-_=*~—–]/g, '').length;

/** "-----Original Message-----" in any of the common languages (dashes required: the bare words are prose). */
export function isOriginalMessageLine(line: string): boolean {
  return ORIGINAL_LINE.test(line) && dashCount(line) >= 2;
}

/** "---------- Forwarded message ---------" or "Begin forwarded message:" and translations. */
export function isForwardLine(line: string): boolean {
  return (FORWARD_LINE.test(line) && dashCount(line) >= 2) || FORWARD_SENTENCE.test(line);
}

/** A rule made of dashes, underscores, equals signs or stars, as clients draw above a header block. */
export function isRuleLine(line: string): boolean {
  return /^[-_=*~—–\s]+$/.test(line) && dashCount(line) >= 3;
}

// Verbs of "On <date>, <name> wrote:" by language. Alphabetic ones need a non-letter on both sides so
// "كتب" does not fire inside "مكتب" (office); CJK ones are written without spaces.
// prettier-ignore
const VERBS = [
  'wrote', 'writes', 'a écrit', 'a ecrit', 'écrit', 'schrieb', 'hat geschrieben', 'schreef', 'heeft geschreven',
  'ha scritto', 'scrisse', 'escribió', 'escribio', 'ha escrito', 'ha escrit', 'va escriure', 'escreveu',
  'napisał\\(a\\)', 'napisała', 'napisał', 'napisal', 'pisze', 'написал\\(а\\)', 'написала', 'написал', 'написав',
  'пишет', 'kirjoitti', 'skrev', 'skriver', 'írta', 'napsal\\(a\\)', 'napsala', 'napsal', 'a scris', 'έγραψε',
  'כתב\\/ה', 'כתבה', 'כתב', 'yazdı', 'كتب', 'كتبت', 'تمت كتابة ما يلي بواسطة',
];
const CJK_VERBS = ['写道', '寫道', '작성', 'のメッセージ', '書きました'];
const VERB = new RegExp(
  `(?<![\\p{L}\\p{M}])(?:${VERBS.join('|')})(?![\\p{L}\\p{M}])|(?:${CJK_VERBS.join('|')})`,
  'giu',
);
// Non-global twin for test(): a global regex carries lastIndex from one call into the next.
const ANY_VERB = new RegExp(VERB.source, 'iu');
const TIME = /\d{1,2} ?[:.h] ?\d{2}(?!\d)/;
const YEAR = /(?<!\d)(?:19|20)\d{2}(?!\d)/;
const NUMERIC_DATE = /(?<!\d)\d{1,4} ?[./-] ?\d{1,2} ?[./-] ?\d{1,4}(?!\d)/;
const ANGLE_ADDRESS_END = /@[^\s<>]+ ?> ?:$/;

// Words an attribution starts with, so a wrapped one can be told from the sentence above it.
const LEAD = /^(?:(?:on|le|am|op|il|el|em|w dniu|dnia|den|på|في|بتاريخ|يوم)(?![\p{L}\p{M}])|在|\d)/iu;

/** Whether a line can be the first of an attribution wrapped over several lines. */
export function canStartAttribution(line: string): boolean {
  const text = stripLeadDashes(line);
  return LEAD.test(text) || TIME.test(text) || YEAR.test(text) || NUMERIC_DATE.test(text);
}

function stripLeadDashes(text: string): string {
  // Zimbra prefixes "- Le …", Yahoo "--- On …".
  return text.replace(/^[-–—*]{1,3} ?/, '');
}

/** Cheap pre-check: an attribution has a verb or an address (or the ">:" of a wrapped one). */
export function mayBeAttribution(text: string): boolean {
  return text.includes('@') || text.includes('>:') || ANY_VERB.test(text);
}

/**
 * Whether `text` (one or a few joined lines) is an attribution such as "On 3 May, Ann <a@b.c> wrote:",
 * "Le … a écrit :", "Am … schrieb …:", "في … كتب …:". `followedByQuote` relaxes the evidence needed:
 * a line right above a quoted block is almost always its attribution.
 */
export function isAttribution(text: string, followedByQuote: boolean): boolean {
  const s = stripLeadDashes(text);
  if (!s.endsWith(':') || s.length < 6) return false;
  const email = s.includes('@') && EMAIL.test(s);
  const dated = /\d/.test(s) && (TIME.test(s) || YEAR.test(s) || NUMERIC_DATE.test(s));
  let lastVerbEnd = -1;
  VERB.lastIndex = 0;
  for (let m = VERB.exec(s); m; m = VERB.exec(s)) lastVerbEnd = m.index + m[0].length;
  // The verb sits near the colon: "schrieb Test user:" yes, a verb early in a long sentence no.
  if (lastVerbEnd >= 0 && s.length - lastVerbEnd <= 100) {
    // "Something wrote:" mid-body is prose unless a date or an address backs it up, or quotes follow.
    if (email || dated || followedByQuote) return true;
  }
  // Verb-less forms: mail.ru "<date> от Name <addr>:", Yandex "<date>, "Name" <addr>:", Gmail's
  // "2014-03-20 8:48 GMT+01:00 Name <addr>:".
  if (email && dated && (followedByQuote || (/^\d/.test(s) && ANGLE_ADDRESS_END.test(s)))) return true;
  return false;
}
