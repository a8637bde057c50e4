import type { ChildNode, Element } from 'domhandler';
import { getAttributeValue, getElementsByTagName, innerText, textContent } from 'domutils';
import { parseDocument, parseFeed } from 'htmlparser2';
import { ReleaseInputError, validateReleaseInput, type ReleaseInput } from './release-input.ts';

/** What a release source turned out to be, for messages to the person importing it. */
export type SourceKind = 'json' | 'feed' | 'html' | 'text';

/**
 * Reads a release catalogue from JSON, an Atom/RSS feed, one release's HTML page, or one release as
 * plain text (which carries no address of its own, so it needs `url`).
 */
export function parseReleaseSource(
  content: string,
  origin: string,
  options: { url?: string } = {},
): { kind: SourceKind; releases: ReleaseInput[] } {
  const head = content
    .replace(/^\ufeff/, '')
    .trimStart()
    .slice(0, 200)
    .toLowerCase();
  if (head.startsWith('[') || head.startsWith('{'))
    return { kind: 'json', releases: parseReleaseJson(content, origin) };
  if (head.startsWith('<?xml') || /<(rss|feed|rdf:rdf)[\s>]/.test(head)) {
    return { kind: 'feed', releases: parseReleaseFeed(content, origin) };
  }
  if (head.startsWith('<'))
    return { kind: 'html', releases: [parseReleasePage(content, options.url ?? origin)] };
  return { kind: 'text', releases: [parseReleaseText(content, origin, options)] };
}

// A first line that only names the kind of document ("Press release", "بيان صحفي") is not the headline.
const DOCUMENT_LABEL =
  /^(press release|news story|news release|statement|speech|media advisory|بيان صحفي|بيان|خبر صحفي|كلمة|communiqué de presse)$/i;
// "Published 5 November 2015", "تاريخ النشر 5 November 2015", "Publié le 5 novembre 2015".
const PUBLISHED_LINE =
  /^\s*(?:published(?: on)?|first published|تاريخ النشر|نشر في|publié le)\s*:?\s*(.+?)\s*$/im;

/** One release as plain text: headline first (after an optional label line), then the body. */
export function parseReleaseText(
  content: string,
  origin: string,
  options: { url?: string; publishedAt?: string } = {},
): ReleaseInput {
  if (!options.url)
    throw new ReleaseInputError(`${origin}: a plain-text release has no address of its own; pass --url`);
  const text = content.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  let index = lines.findIndex((l) => l.trim() !== '');
  if (index >= 0 && DOCUMENT_LABEL.test(lines[index]!.trim())) {
    const next = lines.findIndex((l, i) => i > index && l.trim() !== '');
    if (next > 0) index = next;
  }
  const title = index >= 0 ? lines[index]!.trim() : '';
  const body = lines
    .slice(index + 1)
    .join('\n')
    .trim();
  const published = options.publishedAt ?? PUBLISHED_LINE.exec(text)?.[1];
  return validateReleaseInput(
    {
      url: options.url,
      title,
      language: guessLanguage(body || title),
      published_at: published,
      body,
      translation_of: translationOfByUrl(options.url, guessLanguage(body || title)),
    },
    origin,
  );
}

/** The release JSON of ARCHITECTURE.md: an array of releases (a single object is accepted too). */
export function parseReleaseJson(content: string, origin: string): ReleaseInput[] {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (err) {
    throw new ReleaseInputError(`${origin}: not valid JSON (${(err as Error).message})`);
  }
  const list = Array.isArray(value) ? value : [value];
  return list.map((item, i) => validateReleaseInput(item, `${origin}[${i}]`));
}

function blockText(html: string): string {
  const doc = parseDocument(`<div>${html}</div>`);
  return elementText(doc.children);
}

const BLOCKS = new Set([
  'p',
  'div',
  'li',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'tr',
  'blockquote',
  'section',
  'ul',
  'ol',
  'table',
  'figure',
]);

/** Text of a DOM subtree with paragraphs separated by blank lines, the way release bodies are stored. */
function elementText(nodes: ChildNode[]): string {
  const out: string[] = [];
  const walk = (list: ChildNode[]) => {
    for (const node of list) {
      if (node.type === 'text') out.push(node.data);
      else if (node.type === 'tag' || node.type === 'script' || node.type === 'style') {
        const el = node as Element;
        if (['script', 'style', 'noscript', 'template', 'nav', 'svg'].includes(el.name)) continue;
        if (el.name === 'br') out.push('\n');
        const block = BLOCKS.has(el.name);
        if (block) out.push('\n\n');
        if (el.name === 'li') out.push('• ');
        walk(el.children);
        if (el.name === 'td' || el.name === 'th') out.push(' | ');
        if (block) out.push('\n\n');
      }
    }
  };
  walk(nodes);
  return out
    .join('')
    .replace(/\u00a0/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/ \| *\n/g, '\n')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** An Atom or RSS feed: one release per entry, its summary or content as body. */
export function parseReleaseFeed(content: string, origin: string): ReleaseInput[] {
  const feed = parseFeed(content, { xmlMode: true });
  if (!feed) throw new ReleaseInputError(`${origin}: not an Atom or RSS feed`);
  const doc = parseDocument(content, { xmlMode: true });
  const feedLanguage = (
    getAttributeValue(doc.children.find((n): n is Element => n.type === 'tag') as Element, 'xml:lang') ??
    textContent(getElementsByTagName('language', doc, true, 1))
  ).trim();
  return feed.items.map((item, i) => {
    const where = `${origin} entry ${i + 1}`;
    const body = item.description ? blockText(item.description) : '';
    return validateReleaseInput(
      {
        url: item.link,
        title: item.title ? blockText(item.title) : undefined,
        language: feedLanguage || guessLanguage(`${item.title ?? ''} ${body}`),
        published_at:
          (item.pubDate ?? new Date(NaN)).toString() === 'Invalid Date'
            ? undefined
            : item.pubDate?.toISOString(),
        body,
      },
      where,
    );
  });
}

function meta(doc: ReturnType<typeof parseDocument>, names: string[]): string | null {
  for (const el of getElementsByTagName('meta', doc, true)) {
    const key = (
      getAttributeValue(el, 'name') ??
      getAttributeValue(el, 'property') ??
      getAttributeValue(el, 'itemprop') ??
      ''
    ).toLowerCase();
    if (names.includes(key)) {
      const value = getAttributeValue(el, 'content')?.trim();
      if (value) return value;
    }
  }
  return null;
}

function firstByClass(nodes: ChildNode[], className: string): Element | null {
  for (const node of nodes) {
    if (node.type !== 'tag' && node.type !== 'script' && node.type !== 'style') continue;
    const el = node as Element;
    if ((getAttributeValue(el, 'class') ?? '').split(/\s+/).includes(className)) return el;
    const inner = firstByClass(el.children, className);
    if (inner) return inner;
  }
  return null;
}

/** Arabic script vs Latin, for sources that do not declare a language. */
function guessLanguage(text: string): string {
  const arabic = (text.match(/[\u0600-\u06ff]/g) ?? []).length;
  const latin = (text.match(/[A-Za-z]/g) ?? []).length;
  return arabic > latin ? 'ar' : 'en';
}

// GOV.UK (and many CMSs) publish a translation at the original's URL plus a locale suffix.
const LOCALE_SUFFIX = /\.([a-z]{2}(?:-[a-z]{2,4})?)$/i;

/** The original's URL when `url` is a locale-suffixed translation in `language` (".ar" for Arabic). */
function translationOfByUrl(url: string, language: string): string | null {
  try {
    const parsed = new URL(url);
    const suffix = LOCALE_SUFFIX.exec(parsed.pathname);
    if (suffix && suffix[1]!.toLowerCase() !== 'en' && suffix[1]!.toLowerCase().startsWith(language)) {
      parsed.pathname = parsed.pathname.slice(0, -suffix[0].length);
      return parsed.toString();
    }
  } catch {
    // An invalid URL is reported by validation.
  }
  return null;
}

/** One release's HTML page (GOV.UK-style pages included): title, date, language and body text. */
export function parseReleasePage(content: string, origin: string): ReleaseInput {
  const doc = parseDocument(content);
  const html = getElementsByTagName('html', doc, true, 1)[0];
  const canonical = getElementsByTagName('link', doc, true).find(
    (l) => getAttributeValue(l, 'rel') === 'canonical',
  );
  const url = getAttributeValue(canonical as Element, 'href') ?? meta(doc, ['og:url']) ?? origin;
  const h1 = getElementsByTagName('h1', doc, true, 1)[0];
  const title =
    meta(doc, ['og:title', 'dc.title']) ??
    (h1 ? innerText(h1).trim() : null) ??
    textContent(getElementsByTagName('title', doc, true, 1))
      .replace(/\s+-\s+GOV\.UK\s*$/, '')
      .trim();
  const published =
    meta(doc, ['govuk:first-published-at', 'article:published_time', 'dc.date', 'date', 'datepublished']) ??
    getAttributeValue(getElementsByTagName('time', doc, true, 1)[0] as Element, 'datetime') ??
    null;
  const main =
    firstByClass(doc.children, 'govspeak') ??
    getElementsByTagName('article', doc, true, 1)[0] ??
    getElementsByTagName('main', doc, true, 1)[0] ??
    getElementsByTagName('body', doc, true, 1)[0];
  const body = main ? elementText(main.children) : '';
  const language = (
    getAttributeValue(html as Element, 'lang') ??
    meta(doc, ['og:locale', 'language']) ??
    guessLanguage(`${title} ${body}`)
  )
    .toLowerCase()
    .split(/[-_]/)[0]!;
  return validateReleaseInput(
    {
      url,
      title,
      language,
      published_at: published ?? undefined,
      body,
      translation_of: translationOfByUrl(url, language),
    },
    origin,
  );
}
