/**
 * Deterministic synthetic newsdesk mail for benchmarks: English and Arabic enquiries from many
 * journalists, plain text or multipart/alternative with HTML, some with attachments, about 30 %
 * replies (In-Reply-To/References) to earlier messages. Sizes are mostly 2–30 KB with a long tail to
 * about 300 KB. The same seed always yields the same bytes.
 */

/** mulberry32: small, fast, good enough for synthetic data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;

const int = (rng: Rng, min: number, max: number): number => min + Math.floor(rng() * (max - min + 1));
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
const chance = (rng: Rng, p: number): boolean => rng() < p;

// ---------------------------------------------------------------------------------------------
// Vocabulary

const EN_FIRST = [
  'James',
  'Sarah',
  'Michael',
  'Emma',
  'David',
  'Olivia',
  'Daniel',
  'Sophie',
  'Thomas',
  'Hannah',
  'Peter',
  'Laura',
  'Mark',
  'Rachel',
  'Paul',
  'Claire',
  'Andrew',
  'Helen',
  'Simon',
  'Katherine',
  'Lucas',
  'Maria',
  'Jonas',
  'Ingrid',
  'Pierre',
  'Camille',
  'Marco',
  'Giulia',
  'Jan',
  'Anna',
  'Tomasz',
  'Eva',
  'Rohan',
  'Priya',
  'Kenji',
  'Yuki',
] as const;
const EN_LAST = [
  'Smith',
  'Johnson',
  'Brown',
  'Taylor',
  'Wilson',
  'Davies',
  'Evans',
  'Thomas',
  'Roberts',
  'Walker',
  'Wright',
  'Robinson',
  'Thompson',
  'White',
  'Hughes',
  'Edwards',
  'Green',
  'Hall',
  'Wood',
  'Harris',
  'Martin',
  'Jackson',
  'Clarke',
  'Moreau',
  'Rossi',
  'Novak',
  'Kowalski',
  'Jensen',
  'Schmidt',
  'Fischer',
  'Mehta',
  'Tanaka',
  'Dubois',
] as const;
const AR_FIRST = [
  'أحمد',
  'محمد',
  'ليلى',
  'فاطمة',
  'عمر',
  'نور',
  'خالد',
  'سارة',
  'يوسف',
  'مريم',
  'علي',
  'هدى',
  'حسن',
  'رنا',
  'طارق',
  'دينا',
  'سامي',
  'لينا',
  'كريم',
  'ياسمين',
  'ماجد',
  'سلمى',
  'زياد',
  'هالة',
] as const;
const AR_LAST = [
  'منصور',
  'الخطيب',
  'حداد',
  'العلي',
  'النجار',
  'السيد',
  'عبد الله',
  'الحسيني',
  'يوسف',
  'الشامي',
  'القاسم',
  'الزين',
  'عيسى',
  'الفارس',
  'سليمان',
  'الرفاعي',
  'خوري',
  'البيطار',
] as const;
const AR_TRANSLIT_FIRST = [
  'ahmad',
  'mohamed',
  'layla',
  'fatima',
  'omar',
  'nour',
  'khaled',
  'sara',
  'youssef',
  'mariam',
  'ali',
  'huda',
  'hassan',
  'rana',
  'tarek',
  'dina',
  'sami',
  'lina',
  'karim',
  'yasmin',
  'majed',
  'salma',
  'ziad',
  'hala',
] as const;
const EN_OUTLETS = [
  'dailyherald',
  'theobserver',
  'citywire',
  'morningpost',
  'eveningstandard',
  'globalnews',
  'reuterswire',
  'financialdesk',
  'techcrunchy',
  'policyreview',
  'thecourier',
  'northernecho',
  'channelfour',
  'radiolondon',
  'europeanvoice',
  'tradejournal',
  'healthweekly',
  'energymonitor',
  'climatedesk',
  'sportsline',
] as const;
const AR_OUTLETS = [
  'alkhabar',
  'alhayat-news',
  'alwatan',
  'asharq-daily',
  'almustaqbal',
  'alquds-press',
  'alarabiya-wire',
  'annahar-online',
  'albayan-news',
  'aljadeed',
  'almasry',
  'alghad',
] as const;
const FREEMAIL = ['gmail.example', 'outlook.example', 'proton.example', 'yahoo.example'] as const;

const EN_TOPICS = [
  'the quarterly results',
  'the new transport strategy',
  'the Brussels meeting',
  'the hospital funding announcement',
  'the data breach report',
  'the minister\u2019s visit',
  'the housing programme',
  'the flood defence plan',
  'the school inspection figures',
  'the energy price cap',
  'the merger',
  'the product recall',
  'the climate summit',
  'yesterday\u2019s press release',
  'the annual report',
  'the staff survey',
  'the new chief executive',
  'the export licence decision',
  'the recycling targets',
  'the tender process',
] as const;
const EN_SUBJECT_TEMPLATES = [
  'Request for comment: {t}',
  'Interview request regarding {t}',
  'Question about {t}',
  'Urgent: deadline today on {t}',
  'Follow-up on {t}',
  'Media enquiry \u2013 {t}',
  'Could you confirm details of {t}?',
  'Spokesperson availability for {t}',
  'Filming request: {t}',
  'Figures needed for {t}',
] as const;
const AR_TOPICS = [
  'النتائج الفصلية',
  'استراتيجية النقل الجديدة',
  'اجتماع بروكسل',
  'تمويل المستشفيات',
  'تقرير تسريب البيانات',
  'زيارة الوزير',
  'برنامج الإسكان',
  'خطة الحماية من الفيضانات',
  'أسعار الطاقة',
  'صفقة الاندماج',
  'قمة المناخ',
  'البيان الصحفي الصادر أمس',
  'التقرير السنوي',
  'الرئيس التنفيذي الجديد',
] as const;
const AR_SUBJECT_TEMPLATES = [
  'طلب تعليق: {t}',
  'طلب مقابلة بخصوص {t}',
  'استفسار حول {t}',
  'عاجل: الموعد النهائي اليوم بشأن {t}',
  'متابعة بخصوص {t}',
  'استفسار إعلامي – {t}',
] as const;

const EN_WORDS = (
  'the a to of and in that for on is with as we our would like could you please confirm whether statement ' +
  'spokesperson comment deadline today tomorrow morning afternoon interview figures report programme policy ' +
  'government company department announcement published readers story editor newsroom agreed questions answer ' +
  'details timeline budget million percent increase decrease year quarter staff public local national council ' +
  'minister officials sources said according documents seen confirmed denied plans expected next week response ' +
  'audience broadcast radio television online print background attribution record briefing embargo release'
).split(' ');
const AR_WORDS = (
  'في من على إلى أن هل يمكن تأكيد تصريح المتحدث الرسمي تعليق الموعد النهائي اليوم غدا صباحا مساء مقابلة ' +
  'الأرقام تقرير برنامج سياسة الحكومة الشركة الوزارة إعلان نشر القراء القصة المحرر غرفة الأخبار أسئلة إجابة ' +
  'تفاصيل الجدول الزمني الميزانية مليون بالمئة زيادة انخفاض العام الربع الموظفين العام المحلي الوطني المجلس ' +
  'الوزير المسؤولون مصادر قال وفقا وثائق أكدت نفت خطط المتوقع الأسبوع القادم رد الجمهور بث إذاعة تلفزيون'
).split(' ');

const EN_GREETINGS = [
  'Hello,',
  'Hi there,',
  'Dear press office,',
  'Good morning,',
  'Dear newsdesk team,',
] as const;
const EN_CLOSINGS = [
  'Many thanks,',
  'Best regards,',
  'Thanks in advance,',
  'Kind regards,',
  'Cheers,',
] as const;
const AR_GREETINGS = ['مرحبا،', 'السلام عليكم،', 'تحية طيبة،', 'إلى المكتب الإعلامي،'] as const;
const AR_CLOSINGS = ['مع الشكر،', 'مع خالص التحية،', 'شكرا مقدما،', 'مع التقدير،'] as const;

const MAILERS = [
  'Microsoft Outlook 16.0',
  'Apple Mail (2.3731.700.6)',
  'Mozilla Thunderbird 115.8.0',
  'Roundcube Webmail/1.6.5',
  'iPhone Mail (21D61)',
] as const;

// ---------------------------------------------------------------------------------------------
// Encoding helpers

const CRLF = '\r\n';

function isAscii(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s);
}

/** RFC 2047 B-encoded words, split so no encoded word exceeds 75 characters. */
function encodeHeaderText(text: string): string {
  if (isAscii(text)) return text;
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    // 45 bytes of UTF-8 → 60 base64 chars + 12 of framing: under the 75-char limit.
    if (Buffer.byteLength(chunk + ch, 'utf8') > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(`${CRLF} `);
}

function mailbox(name: string, address: string): string {
  if (isAscii(name)) return `"${name.replace(/["\\]/g, '\\$&')}" <${address}>`;
  return `${encodeHeaderText(name)} <${address}>`;
}

function base64Lines(data: Buffer): string {
  const b64 = data.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join(CRLF);
}

/** Quoted-printable (RFC 2045 §6.7) of UTF-8 text with CRLF line breaks and soft breaks at 76. */
function quotedPrintable(text: string): string {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const bytes = Buffer.from(line, 'utf8');
    let cur = '';
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      const last = i === bytes.length - 1;
      const plain = (b >= 33 && b <= 126 && b !== 61) || (b === 32 && !last) || (b === 9 && !last);
      const enc = plain ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
      if (cur.length + enc.length > 75) {
        out.push(cur + '=');
        cur = '';
      }
      cur += enc;
    }
    out.push(cur);
  }
  return out.join(CRLF);
}

function wrap(text: string, width = 72): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// ---------------------------------------------------------------------------------------------
// People

export interface Person {
  name: string;
  address: string;
  lang: 'en' | 'ar';
}

/** A pool of journalists: ASCII addresses (Dovecot 2.3's LMTP has no SMTPUTF8), names in either script. */
export function makeJournalists(rng: Rng, count: number): Person[] {
  const people: Person[] = [];
  const used = new Set<string>();
  while (people.length < count) {
    const arabic = chance(rng, 0.4);
    let name: string;
    let local: string;
    let domain: string;
    if (arabic) {
      const i = int(rng, 0, AR_FIRST.length - 1);
      name = `${AR_FIRST[i]} ${pick(rng, AR_LAST)}`;
      local = `${AR_TRANSLIT_FIRST[i]}.${int(rng, 1, 999)}`;
      domain = chance(rng, 0.15) ? pick(rng, FREEMAIL) : `${pick(rng, AR_OUTLETS)}.example`;
    } else {
      const first = pick(rng, EN_FIRST);
      const last = pick(rng, EN_LAST);
      name = `${first} ${last}`;
      local = `${first}.${last}`.toLowerCase() + (chance(rng, 0.3) ? String(int(rng, 1, 99)) : '');
      domain = chance(rng, 0.15) ? pick(rng, FREEMAIL) : `${pick(rng, EN_OUTLETS)}.example`;
    }
    const address = `${local}@${domain}`;
    if (used.has(address)) continue;
    used.add(address);
    people.push({ name, address, lang: arabic ? 'ar' : 'en' });
  }
  return people;
}

// ---------------------------------------------------------------------------------------------
// Bodies

function sentence(rng: Rng, lang: 'en' | 'ar'): string {
  const words = lang === 'ar' ? AR_WORDS : EN_WORDS;
  const n = int(rng, 6, 20);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(pick(rng, words));
  const s = parts.join(' ');
  if (lang === 'ar') return `${s}${pick(rng, ['.', '؟', '.', '،'])}`;
  return `${s.charAt(0).toUpperCase()}${s.slice(1)}${pick(rng, ['.', '.', '?', '.'])}`;
}

/** Paragraphs of roughly `bytes` UTF-8 bytes. */
function paragraphs(rng: Rng, lang: 'en' | 'ar', bytes: number): string[] {
  const out: string[] = [];
  let size = 0;
  while (size < bytes) {
    const sentences: string[] = [];
    const n = int(rng, 2, 6);
    for (let i = 0; i < n; i++) sentences.push(sentence(rng, lang));
    const p = sentences.join(' ');
    out.push(p);
    size += Buffer.byteLength(p, 'utf8') + 2;
  }
  return out;
}

interface Body {
  paragraphs: string[];
  quoted: string[];
}

function plainText(from: Person, body: Body, lang: 'en' | 'ar', quoteHeader: string | null): string {
  const greeting =
    lang === 'ar'
      ? AR_GREETINGS[body.paragraphs.length % AR_GREETINGS.length]!
      : EN_GREETINGS[body.paragraphs.length % EN_GREETINGS.length]!;
  const closing =
    lang === 'ar'
      ? AR_CLOSINGS[body.quoted.length % AR_CLOSINGS.length]!
      : EN_CLOSINGS[body.quoted.length % EN_CLOSINGS.length]!;
  const lines: string[] = [greeting, ''];
  for (const p of body.paragraphs) lines.push(...wrap(p), '');
  lines.push(closing, from.name, '');
  if (quoteHeader && body.quoted.length > 0) {
    lines.push(quoteHeader);
    for (const q of body.quoted) lines.push(...wrap(q, 70).map((l) => `> ${l}`), '>');
  }
  return lines.join('\n');
}

function htmlBody(from: Person, body: Body, lang: 'en' | 'ar', quoteHeader: string | null): string {
  const dir = lang === 'ar' ? ' dir="rtl" lang="ar"' : ' lang="en"';
  const ps = body.paragraphs.map((p) => `<p style="margin:0 0 12px 0">${escapeHtml(p)}</p>`).join('\n');
  const quote =
    quoteHeader && body.quoted.length > 0
      ? `\n<div class="gmail_quote"><div>${escapeHtml(quoteHeader)}</div>\n<blockquote style="margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex">\n` +
        body.quoted.map((q) => `<p>${escapeHtml(q)}</p>`).join('\n') +
        '\n</blockquote></div>'
      : '';
  return (
    `<!DOCTYPE html>\n<html${dir}><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n` +
    `<style>body{font-family:Calibri,Arial,sans-serif;font-size:11pt}</style></head>\n<body>\n` +
    `${ps}\n<p>${escapeHtml(from.name)}<br>\n<span style="color:#888">${escapeHtml(from.address)}</span></p>${quote}\n</body></html>`
  );
}

// ---------------------------------------------------------------------------------------------
// Attachments

interface Attachment {
  filename: string;
  contentType: string;
  data: Buffer;
}

function randomBytes(rng: Rng, n: number): Buffer {
  const buf = Buffer.allocUnsafe(n);
  let i = 0;
  for (; i + 4 <= n; i += 4) buf.writeUInt32LE(Math.floor(rng() * 4294967296), i);
  for (; i < n; i++) buf[i] = Math.floor(rng() * 256);
  return buf;
}

function makeAttachment(rng: Rng, lang: 'en' | 'ar', bytes: number): Attachment {
  const kind = int(rng, 0, 3);
  if (kind === 0) {
    const rows = ['region,year,value'];
    for (let size = rows[0]!.length; size < bytes;) {
      const row = `${pick(rng, ['north', 'south', 'east', 'west'])},${int(rng, 2015, 2025)},${int(rng, 0, 99999)}`;
      rows.push(row);
      size += row.length + 2;
    }
    return {
      filename: lang === 'ar' ? 'بيانات.csv' : 'figures.csv',
      contentType: 'text/csv',
      data: Buffer.from(rows.join('\r\n'), 'utf8'),
    };
  }
  if (kind === 1) {
    const head = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1');
    return {
      filename: lang === 'ar' ? 'أسئلة المقابلة.pdf' : 'interview-questions.pdf',
      contentType: 'application/pdf',
      data: Buffer.concat([head, randomBytes(rng, Math.max(0, bytes - head.length))]),
    };
  }
  if (kind === 2) {
    const head = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);
    return {
      filename: `IMG_${int(rng, 1000, 9999)}.jpg`,
      contentType: 'image/jpeg',
      data: Buffer.concat([head, randomBytes(rng, Math.max(0, bytes - head.length))]),
    };
  }
  const head = Buffer.from('PK\x03\x04', 'latin1');
  return {
    filename: lang === 'ar' ? 'مسودة المقال.docx' : 'draft-article.docx',
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    data: Buffer.concat([head, randomBytes(rng, Math.max(0, bytes - head.length))]),
  };
}

function filenameParams(name: string): string {
  if (isAscii(name)) return `filename="${name}"`;
  // RFC 2231, as Outlook and Thunderbird send non-ASCII names.
  return `filename*=UTF-8''${encodeURIComponent(name)}`;
}

// ---------------------------------------------------------------------------------------------
// Message assembly

export interface CorpusMessage {
  raw: Buffer;
  messageId: string;
  subject: string;
  /** Index of the message this one replies to, or null for a new enquiry. */
  replyTo: number | null;
  lang: 'en' | 'ar';
}

export interface ComposeInput {
  from: Person;
  /** The To header value. */
  to: string;
  /** The envelope recipient, for the Received trace field. */
  envelopeTo: string;
  cc?: Person[];
  subject: string;
  date: Date;
  messageId: string;
  lang: 'en' | 'ar';
  inReplyTo?: string;
  references?: string[];
  body: Body;
  quoteHeader: string | null;
  html: boolean;
  textEncoding: '8bit' | 'quoted-printable' | 'base64';
  attachments: Attachment[];
  mailer: string;
  /** Return-Path and Received as a delivered message has them; off for mail sent through Postfix. */
  trace?: boolean;
}

function boundary(rng: Rng): string {
  return `----=_Part_${int(rng, 1, 99999)}_${Math.floor(rng() * 1e9).toString(36)}.${Math.floor(rng() * 1e9).toString(36)}`;
}

function textPart(contentType: string, text: string, encoding: ComposeInput['textEncoding']): string {
  const body =
    encoding === 'base64'
      ? base64Lines(Buffer.from(text.replace(/\r?\n/g, CRLF), 'utf8'))
      : encoding === 'quoted-printable'
        ? quotedPrintable(text)
        : text.replace(/\r?\n/g, CRLF);
  return `Content-Type: ${contentType}; charset="utf-8"${CRLF}Content-Transfer-Encoding: ${encoding}${CRLF}${CRLF}${body}`;
}

/** Builds one RFC 5322 message as bytes (CRLF line endings throughout). */
export function composeMessage(rng: Rng, m: ComposeInput): Buffer {
  const trace =
    m.trace === false
      ? []
      : [
          `Return-Path: <${m.from.address}>`,
          `Received: from mail.${m.from.address.split('@')[1]} (mail.${m.from.address.split('@')[1]} [203.0.113.${int(rng, 1, 254)}])${CRLF}\tby mx.newsdesk.test with ESMTPS id ${Math.floor(rng() * 1e12).toString(36)}${CRLF}\tfor <${m.envelopeTo}>; ${m.date.toUTCString().replace('GMT', '+0000')}`,
        ];
  const headers = [
    ...trace,
    `From: ${mailbox(m.from.name, m.from.address)}`,
    `To: ${m.to}`,
    ...(m.cc && m.cc.length > 0
      ? [`Cc: ${m.cc.map((p) => mailbox(p.name, p.address)).join(`,${CRLF} `)}`]
      : []),
    `Subject: ${encodeHeaderText(m.subject)}`,
    `Date: ${m.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${m.messageId}>`,
    ...(m.inReplyTo ? [`In-Reply-To: <${m.inReplyTo}>`] : []),
    ...(m.references && m.references.length > 0
      ? [`References: ${m.references.map((r) => `<${r}>`).join(`${CRLF} `)}`]
      : []),
    `X-Mailer: ${m.mailer}`,
    'MIME-Version: 1.0',
  ];
  const text = plainText(m.from, m.body, m.lang, m.quoteHeader);
  // HTML in Arabic would triple in quoted-printable, so clients send it base64.
  const htmlEncoding = m.lang === 'ar' ? 'base64' : 'quoted-printable';
  let content: string;
  let contentHeaders: string;
  if (m.html) {
    const b = boundary(rng);
    contentHeaders = `Content-Type: multipart/alternative;${CRLF} boundary="${b}"`;
    content =
      `--${b}${CRLF}${textPart('text/plain', text, m.textEncoding)}${CRLF}` +
      `--${b}${CRLF}${textPart('text/html', htmlBody(m.from, m.body, m.lang, m.quoteHeader), htmlEncoding)}${CRLF}` +
      `--${b}--${CRLF}`;
  } else {
    const part = textPart('text/plain', text, m.textEncoding);
    const split = part.indexOf(CRLF + CRLF);
    contentHeaders = part.slice(0, split);
    content = part.slice(split + 4) + CRLF;
  }
  if (m.attachments.length > 0) {
    const b = boundary(rng);
    let mixed = `This is a multi-part message in MIME format.${CRLF}--${b}${CRLF}${contentHeaders}${CRLF}${CRLF}${content}`;
    for (const a of m.attachments) {
      mixed +=
        `--${b}${CRLF}Content-Type: ${a.contentType}; name="${isAscii(a.filename) ? a.filename : encodeHeaderText(a.filename)}"${CRLF}` +
        `Content-Disposition: attachment; ${filenameParams(a.filename)}${CRLF}` +
        `Content-Transfer-Encoding: base64${CRLF}${CRLF}${base64Lines(a.data)}${CRLF}`;
    }
    mixed += `--${b}--${CRLF}`;
    contentHeaders = `Content-Type: multipart/mixed;${CRLF} boundary="${b}"`;
    content = mixed;
  }
  return Buffer.from(`${headers.join(CRLF)}${CRLF}${contentHeaders}${CRLF}${CRLF}${content}`, 'utf8');
}

/** Target total size: 90 % 2–30 KB (log-uniform), 8 % 30–100 KB, 2 % 100–300 KB. */
function targetSize(rng: Rng): number {
  const r = rng();
  const logUniform = (lo: number, hi: number) =>
    Math.round(Math.exp(Math.log(lo) + rng() * (Math.log(hi) - Math.log(lo))));
  if (r < 0.9) return logUniform(2_000, 30_000);
  if (r < 0.98) return logUniform(30_000, 100_000);
  return logUniform(100_000, 300_000);
}

export interface CorpusOptions {
  seed?: number;
  /** Date of the first message; later ones follow a few minutes apart. */
  start?: Date;
  /** The newsdesk's own address (To of enquiries, From of its replies). */
  newsdesk?: string;
  /** Fraction of messages that reply to an earlier one. */
  replyRate?: number;
  journalists?: number;
}

/** Generates `count` messages; deterministic for a given seed. */
export function generateCorpus(count: number, options: CorpusOptions = {}): CorpusMessage[] {
  const rng = seededRandom(options.seed ?? 20250106);
  const newsdesk = options.newsdesk ?? 'newsdesk@newsdesk.test';
  const replyRate = options.replyRate ?? 0.3;
  // A fixed pool (not derived from count), so a smaller corpus is a prefix of a bigger one.
  const people = makeJournalists(rng, options.journalists ?? 1500);
  const desk: Person[] = [
    { name: 'Press Office', address: newsdesk, lang: 'en' },
    { name: 'المكتب الإعلامي', address: newsdesk, lang: 'ar' },
  ];
  let time = (options.start ?? new Date(Date.UTC(2025, 0, 6, 8, 0, 0))).getTime();
  const out: CorpusMessage[] = [];
  // Per message: who the conversation is with, its root subject, its references chain and first paragraphs.
  const meta: {
    journalist: Person;
    subject: string;
    refs: string[];
    paragraphs: string[];
    from: Person;
    date: Date;
  }[] = [];

  for (let i = 0; i < count; i++) {
    time += int(rng, 20, 600) * 1000;
    const date = new Date(time);
    const size = targetSize(rng);
    const isReply = out.length > 0 && chance(rng, replyRate);
    let from: Person;
    let journalist: Person;
    let subject: string;
    let lang: 'en' | 'ar';
    let inReplyTo: string | undefined;
    let references: string[] | undefined;
    let quoted: string[] = [];
    let quoteHeader: string | null = null;
    let replyTo: number | null = null;
    if (isReply) {
      // Mostly recent conversations, sometimes an old one.
      const back = chance(rng, 0.8) ? int(rng, 1, Math.min(out.length, 60)) : int(rng, 1, out.length);
      replyTo = out.length - back;
      const parent = meta[replyTo]!;
      journalist = parent.journalist;
      lang = journalist.lang;
      // A third of replies are the press office answering; the rest are the journalist following up.
      from = chance(rng, 0.33) ? desk[lang === 'ar' ? 1 : 0]! : journalist;
      const base = parent.subject.replace(/^((re|aw|fwd?|رد):\s*)+/i, '');
      subject = `${lang === 'ar' && chance(rng, 0.5) ? 'رد' : 'Re'}: ${base}`;
      inReplyTo = out[replyTo]!.messageId;
      references = [...parent.refs, inReplyTo].slice(-12);
      quoted = parent.paragraphs.slice(0, 3);
      quoteHeader =
        lang === 'ar'
          ? `في ${parent.date.toUTCString()}، كتب ${parent.from.name} <${parent.from.address}>:`
          : `On ${parent.date.toUTCString()}, ${parent.from.name} <${parent.from.address}> wrote:`;
    } else {
      journalist = pick(rng, people);
      from = journalist;
      lang = journalist.lang;
      subject =
        lang === 'ar'
          ? pick(rng, AR_SUBJECT_TEMPLATES).replace('{t}', pick(rng, AR_TOPICS))
          : pick(rng, EN_SUBJECT_TEMPLATES).replace('{t}', pick(rng, EN_TOPICS));
    }
    const to =
      from.address === newsdesk
        ? mailbox(journalist.name, journalist.address)
        : mailbox(desk[lang === 'ar' ? 1 : 0]!.name, newsdesk);
    const cc = chance(rng, 0.1) ? [pick(rng, people), ...(chance(rng, 0.3) ? [pick(rng, people)] : [])] : [];
    const html = chance(rng, 0.55);
    // Big messages are big because of attachments; 12 % of the rest carry a small one.
    const attachmentBytes =
      size > 40_000
        ? Math.round(size * (0.75 + rng() * 0.2) * 0.74)
        : chance(rng, 0.12)
          ? int(rng, 1_000, Math.max(1_000, Math.round(size * 0.5)))
          : 0;
    const attachments = attachmentBytes > 0 ? [makeAttachment(rng, lang, attachmentBytes)] : [];
    // Rough byte budget for the text: encoded attachments grow by 4/3, HTML roughly doubles the body.
    const budget = Math.max(300, size - Math.round(attachmentBytes * 1.37) - 1_200);
    const textBytes = Math.round(html ? budget / 2.6 : budget / (lang === 'ar' ? 1.1 : 1));
    const paras = paragraphs(rng, lang, Math.max(200, textBytes - quoted.join('').length));
    const messageId = `${date.getTime().toString(36)}.${i.toString(36)}.${Math.floor(rng() * 1e9).toString(36)}@${from.address === newsdesk ? 'newsdesk.test' : from.address.split('@')[1]}`;
    const textEncoding =
      lang === 'ar'
        ? pick(rng, ['8bit', 'base64'] as const)
        : pick(rng, ['8bit', 'quoted-printable', 'quoted-printable'] as const);
    const raw = composeMessage(rng, {
      from,
      to,
      envelopeTo: from.address === newsdesk ? journalist.address : newsdesk,
      cc,
      subject,
      date,
      messageId,
      lang,
      ...(inReplyTo ? { inReplyTo } : {}),
      ...(references ? { references } : {}),
      body: { paragraphs: paras, quoted },
      quoteHeader,
      html,
      textEncoding,
      attachments,
      mailer: pick(rng, MAILERS),
    });
    out.push({ raw, messageId, subject, replyTo, lang });
    meta.push({ journalist, subject, refs: references ?? [], paragraphs: paras, from, date });
  }
  return out;
}

/** Summary figures, so a report says what was measured. */
export function describeCorpus(messages: CorpusMessage[]): {
  count: number;
  bytes: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  replies: number;
  arabic: number;
} {
  const sizes = messages.map((m) => m.raw.length).sort((a, b) => a - b);
  const q = (p: number) => sizes[Math.min(sizes.length - 1, Math.floor(p * sizes.length))] ?? 0;
  return {
    count: messages.length,
    bytes: sizes.reduce((a, b) => a + b, 0),
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    max: sizes[sizes.length - 1] ?? 0,
    replies: messages.filter((m) => m.replyTo !== null).length,
    arabic: messages.filter((m) => m.lang === 'ar').length,
  };
}

/**
 * A fresh enquiry (never a reply) with a unique token in its subject, for latency probes. Uses its
 * own PRNG stream, so probe i is the same in every run.
 */
export function probeMessage(
  seed: number,
  index: number,
  date: Date,
  newsdesk = 'newsdesk@newsdesk.test',
): { raw: Buffer; subject: string; token: string } {
  const rng = seededRandom(seed * 1000 + index);
  const [journalist] = makeJournalists(rng, 1) as [Person];
  const lang = journalist.lang;
  const token = `P${String(index).padStart(3, '0')}-${Math.floor(rng() * 36 ** 6)
    .toString(36)
    .padStart(6, '0')}`;
  const topic = lang === 'ar' ? pick(rng, AR_TOPICS) : pick(rng, EN_TOPICS);
  const subject =
    lang === 'ar' ? `استفسار عاجل حول ${topic} [${token}]` : `Urgent enquiry about ${topic} [${token}]`;
  const size = Math.round(Math.exp(Math.log(2_000) + rng() * (Math.log(30_000) - Math.log(2_000))));
  const html = chance(rng, 0.5);
  const raw = composeMessage(rng, {
    from: journalist,
    to: mailbox(lang === 'ar' ? 'المكتب الإعلامي' : 'Press Office', newsdesk),
    envelopeTo: newsdesk,
    subject,
    date,
    messageId: `probe.${token.toLowerCase()}.${date.getTime().toString(36)}@${journalist.address.split('@')[1]}`,
    lang,
    body: { paragraphs: paragraphs(rng, lang, html ? size / 2.6 : size), quoted: [] },
    quoteHeader: null,
    html,
    textEncoding: lang === 'ar' ? 'base64' : 'quoted-printable',
    attachments: [],
    mailer: pick(rng, MAILERS),
    trace: false,
  });
  return { raw, subject, token };
}
