// The mime-nasty corpus (../shared/corpora/mime-nasty, see its SOURCE.md) and the I-14 hostile inputs,
// all through parseMessage. Each check has an id; the ones our parser fails today are listed in
// KNOWN_FAILURES with a reason. The run fails on any other failure, and also when a listed one
// starts passing, so the list can only shrink honestly.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../../server/domain/html-text.ts';
import { parseMessage, type ParsedMessage } from '../../../server/mail/parse.ts';
import { extractTnef } from '../../../server/mail/tnef.ts';
import { corporaDir, corpusAvailable, walkFiles } from '../../support/corpus-mail.ts';

const ROOT = join(corporaDir(), 'mime-nasty');
const STALWART = join(ROOT, 'stalwart-mail-parser');
const haveCorpus = corpusAvailable(ROOT, 'mime-nasty');
const now = new Date('2026-11-20T12:00:00Z');
const BUDGET_MS = 5_000;

const KNOWN_FAILURES: Record<string, string> = {
  // ---- bodies: upstream's expected parse vs ours ----
  'bodies:legacy/001.eml:text':
    'charset=utf-7: no UTF-7 decoder in TextDecoder/postal-mime, body stays "+APY-" encoded',
  'bodies:malformed/001.eml:text':
    'a delimiter of an inner multipart that the outer boundary already closed ("--a") is kept as text',
  'bodies:malformed/001.eml:attachments':
    'upstream counts the empty header-less tail as an attachment; postal-mime reads it as empty text',
  'bodies:malformed/003.eml:text':
    'same boundary reused by a nested multipart: upstream makes "body" an attachment, we show it as text',
  'bodies:malformed/003.eml:attachments':
    'see malformed/003 text: the part is text for us, an attachment upstream',
  'bodies:malformed/007.eml:attachments':
    'upstream counts the empty part after an unterminated inner multipart as an attachment; we see empty text',
  'bodies:malformed/009.eml:text':
    'unterminated inner multipart: upstream keeps "22 … 333" as one broken attachment, we show it as text',
  'bodies:malformed/009.eml:attachments': 'see malformed/009 text',
  'bodies:malformed/010.eml:text':
    'top-level message/rfc822 is inlined into the text body by postal-mime; upstream treats it as an attachment',
  'bodies:malformed/010.eml:attachments':
    'top-level message/rfc822 is an attachment upstream; postal-mime inlines it into the text body',
  'bodies:malformed/015.eml:attachments':
    'identity-encoded part keeps the line break before the delimiter (9 bytes, upstream 8; RFC 2046 §5.1.1)',
  'bodies:thirdparty/002.eml:text':
    'a text/plain part with broken base64 is added to the body (upstream: an attachment, encoding problem)',
  'bodies:thirdparty/002.eml:attachments': 'see thirdparty/002 text',
  'bodies:thirdparty/005.eml:text':
    'binary UTF-16LE part: the LF before the delimiter splits a code unit (U+FFFD); "invalid--1--" keeps the unterminated delimiter',
  'bodies:thirdparty/008.eml:text':
    'inline message/rfc822 (no Content-Disposition) is rendered into the body by postal-mime; upstream lists it as an attachment',
  'bodies:thirdparty/008.eml:html': 'see thirdparty/008 text: the nested message brings its HTML into ours',
  'bodies:thirdparty/008.eml:attachments':
    'see thirdparty/008 text: the message/rfc822 part is not an attachment for us',
  'bodies:thirdparty/012.eml:text': 'inline message/rfc822 rendered into the body (as thirdparty/008)',
  'bodies:thirdparty/012.eml:html': 'inline message/rfc822 rendered into the body (as thirdparty/008)',
  'bodies:thirdparty/012.eml:attachments':
    'inline message/rfc822 is not an attachment for us (as thirdparty/008)',
  'bodies:thirdparty/015.eml:attachments':
    'three attached mails whose header blocks end at the delimiter: we keep 3 attachments, upstream nests them into 1',

  // ---- header vectors: unstructured (Subject) ----
  'unstructured:21': 'upstream inserts a space between text and a directly following encoded-word; we do not',
  'unstructured:22': 'upstream turns an empty encoded-word into a space; we drop it',
  'unstructured:24': 'an encoded-word broken by a fold keeps the fold whitespace ("Hello  there!")',
  'unstructured:25': 'an encoded-word broken by a fold keeps the fold whitespace (as unstructured:24)',
  'unstructured:26': 'an encoded-word broken by a fold keeps the fold whitespace (as unstructured:24)',
  'unstructured:27': 'no space inserted before the encoded-word (as unstructured:21)',
  'unstructured:28': 'no space inserted before the encoded-word (as unstructured:21)',

  // ---- header vectors: Content-Type ----
  'ct:31:filename': 'RFC 2231 continuations without ";" separators are not recognised',
  'ct:34:name':
    'encoded-words inside a quoted name lose the spaces between them ("áéí.jpeg", upstream "á é í.jpeg")',
  'ct:55:name': 'unterminated quoted name of spaces: header trimming leaves an empty name',
  'ct:56:name': 'unterminated quoted name of spaces across a fold: header trimming leaves an empty name',

  // ---- I-14 hostile inputs ----

  // ---- TNEF through parseMessage ----
};

interface Check {
  id: string;
  pass: boolean;
  detail: string;
}

/** Prints the part's score and fails on unexpected failures, fixed known failures and stale entries. */
function settle(part: string, prefix: string, checks: Check[]): void {
  const failed = checks.filter((c) => !c.pass);
  const unexpected = failed.filter((c) => !(c.id in KNOWN_FAILURES)).map((c) => `${c.id}: ${c.detail}`);
  const nowPassing = checks.filter((c) => c.pass && c.id in KNOWN_FAILURES).map((c) => c.id);
  const ids = new Set(checks.map((c) => c.id));
  const stale = Object.keys(KNOWN_FAILURES).filter((id) => id.startsWith(prefix) && !ids.has(id));
  console.log(
    `[mime-nasty] ${part}: ${checks.length - failed.length}/${checks.length} checks pass ` +
      `(${failed.length - unexpected.length} known failures, ${unexpected.length} unexpected)`,
  );
  // MIME_NASTY_VERBOSE=1 shows what each known failure actually produced.
  if (process.env.MIME_NASTY_VERBOSE) for (const c of failed) console.log(`  ${c.id}: ${c.detail}`);
  expect(unexpected, 'unexpected failures').toEqual([]);
  expect(nowPassing, 'these pass now: remove them from KNOWN_FAILURES').toEqual([]);
  expect(stale, 'KNOWN_FAILURES entries with no such check').toEqual([]);
}

function check(checks: Check[], id: string, pass: boolean, detail: () => string): void {
  checks.push({ id, pass, detail: pass ? '' : detail() });
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 240 ? `${text.slice(0, 240)}…` : text;
}

async function timedParse(raw: Buffer): Promise<{ parsed: ParsedMessage; ms: number }> {
  const started = performance.now();
  const parsed = await parseMessage(raw, { now });
  return { parsed, ms: performance.now() - started };
}

// ---- upstream's expected JSON (stalwart mail-parser, serde pretty print) ----

interface Attribute {
  name: string;
  value: string;
}
interface ContentTypeValue {
  c_type: string;
  c_subtype: string | null;
  attributes: Attribute[] | null;
}
interface ExpectedHeader {
  name: string;
  value: unknown;
}
type ExpectedBody =
  | { Text: string }
  | { Html: string }
  | { Binary: number[] }
  | { InlineBinary: number[] }
  | { Multipart: number[] }
  | { Message: ExpectedMessage };
interface ExpectedPart {
  headers: ExpectedHeader[];
  body: ExpectedBody;
  offset_body: number;
  offset_end: number;
}
interface ExpectedMessage {
  text_body: number[];
  html_body: number[];
  attachments: number[];
  parts: ExpectedPart[];
}

function headerAttr(part: ExpectedPart, header: string, attribute: string): string | undefined {
  const value = part.headers.find((h) => h.name === header)?.value as
    { ContentType?: ContentTypeValue } | undefined;
  return value?.ContentType?.attributes?.find((a) => a.name === attribute)?.value;
}

/** Line endings unified, trailing spaces and blank lines dropped: how parts are joined differs. */
function normText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .filter(Boolean)
    .join('\n')
    .trim();
}

/** RFC 3676 soft line breaks (a line ending in a space continues), signature separator excepted. */
function unflow(text: string): string {
  return text.split('\n').reduce((out, line, i, lines) => {
    const soft = line.endsWith(' ') && line !== '-- ' && i < lines.length - 1;
    return out + line + (soft ? '' : i < lines.length - 1 ? '\n' : '');
  }, '');
}

function normHtml(html: string): string {
  return html.replace(/\s+/g, ' ').trim();
}

/** Size of an attachment body; text-like bodies without CRs and trailing line breaks. */
function expectedSize(part: ExpectedPart, lfOnly: Buffer): { size: number; textLike: boolean } {
  const body = part.body;
  if ('Binary' in body) return { size: body.Binary.length, textLike: false };
  if ('InlineBinary' in body) return { size: body.InlineBinary.length, textLike: false };
  if ('Text' in body) return { size: Buffer.byteLength(body.Text.replace(/\n+$/, '')), textLike: true };
  if ('Html' in body) return { size: Buffer.byteLength(body.Html.replace(/\n+$/, '')), textLike: true };
  // A nested message: its bytes in the CR-less file the offsets refer to.
  return { size: textLikeSize(lfOnly.subarray(part.offset_body, part.offset_end)), textLike: true };
}

function textLikeSize(content: Buffer): number {
  let end = content.length;
  while (end > 0 && (content[end - 1] === 0x0a || content[end - 1] === 0x0d)) end--;
  return content.subarray(0, end).filter((b) => b !== 0x0d).length;
}

async function compareWithExpected(file: string, checks: Check[]): Promise<void> {
  const name = relative(STALWART, file);
  const expected = JSON.parse(readFileSync(file.replace(/\.eml$/, '.json'), 'utf8')) as ExpectedMessage;
  const raw = readFileSync(file);
  const { parsed } = await timedParse(raw);
  const lfOnly = Buffer.from(raw.filter((b) => b !== 0x0d));
  const parts = expected.parts;

  const textParts = expected.text_body.map((i) => parts[i]!);
  const htmlParts = expected.html_body.map((i) => parts[i]!.body).filter((b) => 'Html' in b);
  const expectedHtml = htmlParts.map((b) => ('Html' in b ? b.Html : '')).join('\n');
  let expectedText = normText(
    textParts
      .map(({ body }, k) => {
        if ('Html' in body) return htmlToText(body.Html);
        if (!('Text' in body)) return '';
        // Upstream leaves format=flowed soft breaks in; parse.ts joins them (RFC 3676), so do the same.
        const flowed = headerAttr(textParts[k]!, 'content_type', 'format')?.toLowerCase() === 'flowed';
        return flowed ? unflow(body.Text) : body.Text;
      })
      .join('\n'),
  );
  // parse.ts falls back to the HTML's text when the plain part is empty: that is by design.
  if (!expectedText && expectedHtml) expectedText = normText(htmlToText(expectedHtml));
  const ourText = normText(parsed.text);
  check(
    checks,
    `bodies:${name}:text`,
    ourText === expectedText,
    () => `expected ${show(expectedText)}, got ${show(ourText)}`,
  );

  const htmlPass = expectedHtml
    ? parsed.html !== null && normHtml(parsed.html) === normHtml(expectedHtml)
    : parsed.html === null || htmlToText(parsed.html).trim() === '';
  check(
    checks,
    `bodies:${name}:html`,
    htmlPass,
    () => `expected ${show(expectedHtml || null)}, got ${show(parsed.html)}`,
  );

  const want = expected.attachments.map((i) => {
    const part = parts[i]!;
    const { size, textLike } = expectedSize(part, lfOnly);
    return {
      name:
        headerAttr(part, 'content_disposition', 'filename') ?? headerAttr(part, 'content_type', 'name') ?? '',
      size,
      textLike,
    };
  });
  const got = parsed.attachments.map((a, i) => ({
    // Upstream found no name (e.g. malformed/017's "Content-Disposition: ;" + filename=): a name we
    // did read is extra information, not a decoding error, so it is not held against us.
    name: want[i]?.name === '' ? '' : (a.filename ?? ''),
    size: want[i]?.textLike === false ? a.content.length : textLikeSize(a.content),
  }));
  const wantShown = want.map((w) => `${w.name} (${w.size})`);
  const gotShown = got.map((g) => `${g.name} (${g.size})`);
  check(
    checks,
    `bodies:${name}:attachments`,
    show(wantShown) === show(gotShown),
    () => `expected ${show(wantShown)}, got ${show(gotShown)}`,
  );
}

// ---- header vectors ----

interface Vector<T> {
  header: string;
  expected: T;
}

async function unstructuredChecks(): Promise<Check[]> {
  const vectors = JSON.parse(
    readFileSync(join(STALWART, 'header-vectors', 'unstructured.json'), 'utf8'),
  ) as Vector<string>[];
  const checks: Check[] = [];
  for (const [i, v] of vectors.entries()) {
    // The vector is the raw field body, line break(s) included; some carry the next field too.
    const parsed = await parseMessage(Buffer.from(`From: a@b.test\nSubject:${v.header}\nbody\n`), { now });
    check(
      checks,
      `unstructured:${i}`,
      parsed.subject === v.expected,
      () => `expected ${show(v.expected)}, got ${show(parsed.subject)}`,
    );
  }
  return checks;
}

type CtExpected = { c_type: string; c_subtype: string | null; attributes?: [string, string][] | null } | null;

/**
 * Content-Type vectors, compared on what parseMessage exposes: the attachment's MIME type, its
 * filename (from `name`, or from `filename` when the vector is used as Content-Disposition) and, for
 * multiparts, whether the boundary splits the body. Other parameters are not part of our output.
 */
async function contentTypeChecks(): Promise<Check[]> {
  const vectors = JSON.parse(
    readFileSync(join(STALWART, 'header-vectors', 'content_type.json'), 'utf8'),
  ) as Vector<CtExpected>[];
  const checks: Check[] = [];
  for (const [i, { header, expected }] of vectors.entries()) {
    const attrs = new Map(expected?.attributes ?? []);
    const asType = await parseMessage(
      Buffer.from(`From: a@b.test\nContent-Disposition: attachment\nContent-Type:${header}\nx\n`),
      { now },
    );
    const attachment = asType.attachments[0];
    const isMultipart = expected?.c_type.toLowerCase() === 'multipart';

    if (!expected) {
      // Upstream rejects the header: ours must not turn it into a plausible type/subtype.
      const type = attachment?.contentType ?? '';
      const plausible = /^[^/\s;]+\/[^/\s;]+$/.test(type) && type !== 'application/octet-stream';
      check(checks, `ct:${i}:type`, !plausible, () => `invalid header became ${show(type)}`);
      continue;
    }
    if (!isMultipart) {
      const want = (
        expected.c_subtype ? `${expected.c_type}/${expected.c_subtype}` : expected.c_type
      ).toLowerCase();
      // A type without subtype: "test/" and "test" say the same.
      const got = (attachment?.contentType ?? '').replace(/\/$/, '');
      check(checks, `ct:${i}:type`, got === want, () => `expected ${show(want)}, got ${show(got)}`);
      const name = attrs.get('name');
      const gotName = attachment?.filename ?? null;
      check(
        checks,
        `ct:${i}:name`,
        gotName === (name || null),
        () => `expected ${show(name ?? null)}, got ${show(gotName)}`,
      );
    } else {
      const boundary = attrs.get('boundary') ?? '';
      const raw = `From: a@b.test\nContent-Type:${header}\n--${boundary}\nContent-Type: text/plain\n\nMARKER-${i}\n--${boundary}--\n`;
      const parsed = await parseMessage(Buffer.from(raw), { now });
      const split = parsed.text.trim() === `MARKER-${i}` && parsed.attachments.length === 0;
      check(
        checks,
        `ct:${i}:boundary`,
        split,
        () => `boundary ${show(boundary)} did not split: text ${show(parsed.text)}`,
      );
    }
    const filename = attrs.get('filename');
    if (filename !== undefined) {
      const asDisposition = await parseMessage(
        Buffer.from(
          `From: a@b.test\nContent-Type: application/octet-stream\nContent-Disposition:${header}\nx\n`,
        ),
        { now },
      );
      const got = asDisposition.attachments[0]?.filename ?? null;
      check(
        checks,
        `ct:${i}:filename`,
        got === filename,
        () => `expected ${show(filename)}, got ${show(got)}`,
      );
    }
  }
  return checks;
}

// ---- I-14 hostile inputs ----

const MB = 1024 * 1024;

interface Hostile {
  id: string;
  raw: () => Buffer;
  /** What "nothing lost" means for this input; a parseError is also acceptable unless `mustParse`. */
  holds: (p: ParsedMessage) => boolean;
  mustParse?: boolean;
}

function crlf(lines: string[]): string {
  return lines.join('\r\n');
}

const HOSTILE: Hostile[] = [
  {
    id: 'nul-bytes',
    raw: () => Buffer.from(crlf(['From: a@b.test', 'Subject: hello\0world', '', 'before\0after', ''])),
    holds: (p) => p.text.includes('before') && p.text.includes('after') && p.subject.includes('hello'),
    mustParse: true,
  },
  {
    id: 'bare-lf',
    raw: () =>
      Buffer.from(
        [
          'From: a@b.test',
          'Subject: bare LF',
          'Content-Type: multipart/mixed; boundary=x',
          '',
          '--x',
          'Content-Type: text/plain',
          '',
          'the text',
          '--x',
          'Content-Type: application/pdf; name=a.pdf',
          'Content-Transfer-Encoding: base64',
          '',
          Buffer.from('%PDF-1.4 data').toString('base64'),
          '--x--',
          '',
        ].join('\n'),
      ),
    holds: (p) =>
      p.text.trim() === 'the text' &&
      p.attachments.length === 1 &&
      p.attachments[0]!.content.toString() === '%PDF-1.4 data',
    mustParse: true,
  },
  {
    id: 'bare-cr-line-endings',
    raw: () => Buffer.from(['From: a@b.test', 'Subject: old mac', '', 'the text', ''].join('\r')),
    holds: (p) => p.text.includes('the text') || p.parseError !== null,
  },
  {
    id: '8bit-utf8-headers',
    raw: () =>
      Buffer.from(
        crlf(['From: "وزارة الإعلام" <press@gov.test>', 'Subject: استفسار صحفي عاجل', '', 'x', '']),
      ),
    holds: (p) => p.subject === 'استفسار صحفي عاجل' && p.from.name === 'وزارة الإعلام',
    mustParse: true,
  },
  {
    id: '8bit-latin1-headers',
    raw: () =>
      Buffer.from(crlf(['From: Ren\xe9 <r@b.test>', 'Subject: Caf\xe9 cr\xe8me', '', 'x', '']), 'latin1'),
    holds: (p) => p.subject.startsWith('Caf') && p.subject.endsWith('me') && p.from.address === 'r@b.test',
    mustParse: true,
  },
  {
    id: 'windows-1252-c1',
    raw: () =>
      Buffer.from(
        crlf([
          'From: a@b.test',
          'Content-Type: text/plain; charset=windows-1252',
          'Content-Transfer-Encoding: quoted-printable',
          '',
          '=93Quote=94 =96 =80100',
          '',
        ]),
      ),
    holds: (p) => p.text.trim() === '“Quote” – €100',
    mustParse: true,
  },
  {
    id: '5000-parts',
    raw: () => {
      const parts = Array.from(
        { length: 5000 },
        (_, i) =>
          `--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=p${i}.txt\r\n\r\npart ${i}\r\n`,
      );
      return Buffer.from(
        crlf([
          'From: a@b.test',
          'Content-Type: multipart/mixed; boundary=b',
          '',
          parts.join('') + '--b--',
          '',
        ]),
      );
    },
    holds: (p) =>
      p.attachments.length === 5000 && p.attachments[4999]!.content.toString().startsWith('part 4999'),
    mustParse: true,
  },
  {
    id: '100-multipart-levels',
    raw: () => Buffer.from(nestedMultipart(100)),
    holds: (p) => p.text.includes('deepest'),
    mustParse: true,
  },
  {
    id: '100-message-rfc822-levels',
    raw: () =>
      Buffer.from(
        'From: a@b.test\r\n' +
          'Content-Type: message/rfc822\r\n\r\n'.repeat(100) +
          'Content-Type: text/plain\r\n\r\ndeepest\r\n',
      ),
    // postal-mime inlines 10 levels and keeps the rest as an attachment: either way it is there.
    holds: (p) => p.text.includes('deepest') || p.attachments.some((a) => a.content.includes('deepest')),
    mustParse: true,
  },
  {
    id: '300-multipart-levels',
    raw: () => Buffer.from(nestedMultipart(300)),
    // Beyond postal-mime's depth limit: a parseError (raw kept) is the expected outcome.
    holds: (p) => p.parseError !== null || p.text.includes('deepest'),
  },
  {
    id: '3mb-header-block',
    raw: () =>
      Buffer.from(
        crlf([
          'From: a@b.test',
          ...Array.from({ length: 3000 }, () => `X-Pad: ${'y'.repeat(1000)}`),
          '',
          'x',
          '',
        ]),
      ),
    // Beyond postal-mime's header budget: a parseError (raw kept) is the expected outcome.
    holds: (p) => p.parseError !== null || p.text.trim() === 'x',
  },
  {
    id: '20mb-single-line-text',
    raw: () =>
      Buffer.concat([
        Buffer.from('From: a@b.test\r\nContent-Type: text/plain\r\n\r\n'),
        Buffer.alloc(20 * MB, 'a'),
      ]),
    holds: (p) => p.text.trimEnd().length === 20 * MB,
    mustParse: true,
  },
  {
    id: '20mb-single-line-html',
    raw: () =>
      Buffer.concat([
        Buffer.from('From: a@b.test\r\nContent-Type: text/html\r\n\r\n<p>'),
        Buffer.alloc(20 * MB, 'a'),
        Buffer.from('</p>'),
      ]),
    holds: (p) => (p.html?.trimEnd().length ?? 0) === 20 * MB + 7 && p.text.length === 20 * MB,
    mustParse: true,
  },
  {
    id: '20mb-single-line-base64-attachment',
    raw: () =>
      Buffer.concat([
        Buffer.from(
          crlf([
            'From: a@b.test',
            'Content-Type: application/octet-stream; name=big.bin',
            'Content-Disposition: attachment; filename=big.bin',
            'Content-Transfer-Encoding: base64',
            '',
            '',
          ]),
        ),
        Buffer.from(Buffer.alloc(15 * MB, 7).toString('base64')),
      ]),
    holds: (p) => p.attachments.length === 1 && p.attachments[0]!.content.length === 15 * MB,
    mustParse: true,
  },
  {
    id: 'empty-input',
    raw: () => Buffer.alloc(0),
    holds: (p) => p.text === '' && p.attachments.length === 0,
    mustParse: true,
  },
  {
    id: 'random-binary',
    raw: () => {
      let s = 42;
      return Buffer.from(
        Array.from({ length: 256 * 1024 }, () => (s = (s * 1103515245 + 12345) >>> 0) >>> 24),
      );
    },
    holds: () => true,
  },
];

function nestedMultipart(levels: number): string {
  let out = 'From: a@b.test\r\n';
  for (let i = 0; i < levels; i++)
    out += `Content-Type: multipart/mixed; boundary="lvl-${i}-x"\r\n\r\n--lvl-${i}-x\r\n`;
  out += 'Content-Type: text/plain\r\n\r\ndeepest\r\n';
  for (let i = levels - 1; i >= 0; i--) out += `--lvl-${i}-x--\r\n`;
  return out;
}

// ---- the tests ----

describe.skipIf(!haveCorpus)('mime-nasty corpus through parseMessage', () => {
  it('part 1: every corpus file parses without throwing and keeps the raw bytes', async () => {
    const checks: Check[] = [];
    for (const file of walkFiles(ROOT)) {
      const id = `ingest:${relative(ROOT, file)}`;
      const raw = readFileSync(file);
      try {
        const { parsed, ms } = await timedParse(Buffer.from(raw));
        const kept = parsed.raw.equals(raw) && parsed.rawSha256.length === 64;
        check(checks, id, kept && ms < BUDGET_MS, () => `raw kept: ${kept}, ${Math.round(ms)} ms`);
      } catch (err) {
        check(checks, id, false, () => `threw ${(err as Error).message}`);
      }
    }
    expect(checks.length).toBeGreaterThanOrEqual(75);
    settle('part 1 (ingest, raw kept)', 'ingest:', checks);
  });

  it('part 2: decoded bodies and attachments match the expected JSON', async () => {
    const checks: Check[] = [];
    const files = walkFiles(STALWART).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(23);
    for (const file of files) await compareWithExpected(file, checks);
    settle('part 2 (bodies vs expected JSON)', 'bodies:', checks);
  });

  it('part 3a: unstructured header vectors decode exactly', async () => {
    settle('part 3a (unstructured headers)', 'unstructured:', await unstructuredChecks());
  });

  it('part 3b: Content-Type vectors decode exactly (type, name, filename, boundary)', async () => {
    settle('part 3b (Content-Type headers)', 'ct:', await contentTypeChecks());
  });

  it('part 5: winmail.dat attachments come out unpacked', async () => {
    const checks: Check[] = [];
    const dir = join(ROOT, 'tnef-verdammelt', 'datafiles');
    for (const name of readdirSync(dir)
      .filter((f) => f.endsWith('.tnef'))
      .sort()) {
      const data = readFileSync(join(dir, name));
      const tnef = extractTnef(data);
      const raw = Buffer.from(
        crlf([
          'From: outlook@b.test',
          'Subject: with winmail.dat',
          'Content-Type: multipart/mixed; boundary=tnef',
          '',
          '--tnef',
          'Content-Type: text/plain',
          '',
          '',
          '--tnef',
          'Content-Type: application/ms-tnef; name=winmail.dat',
          'Content-Disposition: attachment; filename=winmail.dat',
          'Content-Transfer-Encoding: base64',
          '',
          data.toString('base64').replace(/.{76}/g, '$&\r\n'),
          '--tnef--',
          '',
        ]),
      );
      const { parsed } = await timedParse(raw);
      const wantFiles = tnef.files.map((f) => f.filename);
      // Nothing readable, or a damaged stream: the original must still be there.
      const keepOriginal = !tnef.complete || (wantFiles.length === 0 && !tnef.body);
      const want = [...wantFiles, ...(keepOriginal ? ['winmail.dat'] : [])].sort();
      // A body that exists only as compressed RTF may come out as one application/rtf file.
      const rtfFiles = parsed.attachments.filter(
        (a) => a.contentType === 'application/rtf' && !wantFiles.includes(a.filename ?? ''),
      );
      const got = parsed.attachments
        .filter((a) => !rtfFiles.includes(a))
        .map((a) => a.filename ?? '')
        .sort();
      // The MIME text part is empty, so a body inside winmail.dat is the only one there is.
      const html = tnef.body?.html;
      const text = tnef.body?.text?.trim();
      const rtfOnly = !!tnef.body?.rtfCompressed && !html && !text;
      const bodyShown =
        (!html || (parsed.html !== null && normHtml(parsed.html).includes(normHtml(html).slice(0, 200)))) &&
        (!text || parsed.text.includes(text)) &&
        (!rtfOnly || keepOriginal || rtfFiles.length === 1) &&
        rtfFiles.length <= (rtfOnly ? 1 : 0);
      check(
        checks,
        `tnef:${name.replace(/\.tnef$/, '')}`,
        show(got) === show(want) && bodyShown,
        () =>
          `attachments ${show(got)} + ${rtfFiles.length} RTF body file(s), expected ${show(want)}; body shown: ${bodyShown}`,
      );
    }
    settle('part 5 (TNEF via parseMessage)', 'tnef:', checks);
  });
});

describe('I-14 hostile inputs through parseMessage', () => {
  it('part 4: each parses within budget (or reports parseError), never throws, keeps raw, loses nothing', async () => {
    const checks: Check[] = [];
    for (const h of HOSTILE) {
      const raw = h.raw();
      try {
        const { parsed, ms } = await timedParse(raw);
        const kept = parsed.raw === raw || parsed.raw.equals(raw);
        const parsedOk = h.mustParse ? parsed.parseError === null : true;
        const holds = h.holds(parsed);
        check(
          checks,
          `hostile:${h.id}`,
          kept && ms < BUDGET_MS && parsedOk && holds,
          () =>
            `${Math.round(ms)} ms, raw kept ${kept}, parseError ${show(parsed.parseError)}, property ${holds}; ` +
            `text ${show(parsed.text.slice(0, 80))}`,
        );
        console.log(
          `[mime-nasty] hostile ${h.id}: ${Math.round(ms)} ms${parsed.parseError ? ` (${parsed.parseError})` : ''}`,
        );
      } catch (err) {
        check(checks, `hostile:${h.id}`, false, () => `threw ${(err as Error).message}`);
      }
    }
    settle('part 4 (I-14 hostile inputs)', 'hostile:', checks);
  });
});
