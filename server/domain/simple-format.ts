// "Simple formatting" for replies: the officer's text with a tiny, predictable markup, rendered to
// safe HTML and to the plain-text part of the same message. Pure and dependency-free, so the web
// composer's preview imports it and shows exactly what the server sends.
//
// The markup:
//   **bold**, _italic_ (a lone underscore inside a word, as in snake_case, is text)
//   lines starting with "- " or "• " form a bulleted list, lines starting with "1. " a numbered one
//   bare http(s) URLs and email addresses become links
//   a blank line starts a new paragraph; a line break inside a paragraph is kept
//   lines starting with ">" are the quoted original: a blockquote, never formatted
// Everything is scanned by hand in one pass per line (no backtracking regular expressions), so
// hostile input costs linear time.

export type SimpleInline =
  | { type: 'text'; text: string }
  | { type: 'strong'; children: SimpleInline[] }
  | { type: 'em'; children: SimpleInline[] }
  | { type: 'link'; href: string; text: string };

export type SimpleBlock =
  | { type: 'paragraph'; lines: SimpleInline[][]; blankBefore: boolean }
  | { type: 'list'; ordered: boolean; items: SimpleInline[][]; blankBefore: boolean }
  | { type: 'quote'; lines: string[]; blankBefore: boolean };

type LineKind = 'blank' | 'quote' | 'bullet' | 'number' | 'text';

/** The list marker a line starts with ("- ", "• ", "12. "), or null. */
function listMarker(line: string): { kind: 'bullet' | 'number'; length: number } | null {
  const start = line.length - line.trimStart().length;
  const rest = line.slice(start);
  if (rest.startsWith('- ') || rest.startsWith('• ')) return { kind: 'bullet', length: start + 2 };
  let digits = 0;
  while (digits < rest.length && digits < 4 && rest.charCodeAt(digits) >= 48 && rest.charCodeAt(digits) <= 57)
    digits++;
  if (digits > 0 && digits <= 3 && rest[digits] === '.' && rest[digits + 1] === ' ')
    return { kind: 'number', length: start + digits + 2 };
  return null;
}

function lineKind(line: string): LineKind {
  if (line.trim() === '') return 'blank';
  if (line.startsWith('>')) return 'quote';
  return listMarker(line)?.kind ?? 'text';
}

// ---------------------------------------------------------------------------------------------
// Inline: links first (atomic, so markers inside a URL stay part of it), then ** and _ pairs.

const isSpace = (ch: string | undefined) => ch === undefined || /\s/u.test(ch);
const isWordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}\p{M}]/u.test(ch);
const isEmailLocal = (ch: string | undefined) => ch !== undefined && /[A-Za-z0-9._%+-]/.test(ch);
const isDomainChar = (ch: string | undefined) => ch !== undefined && /[A-Za-z0-9.-]/.test(ch);
// Characters that end a sentence rather than a URL (Latin and Arabic punctuation).
const TRAILING = new Set(['.', ',', ';', ':', '!', '?', "'", '"', ')', ']', '}', '،', '؛', '؟', '۔']);
// Not part of a bare URL: whitespace, quotes and angle brackets (which would end it in any client).
const URL_STOP = /[\s<>"`]/u;

interface LinkSpan {
  start: number;
  end: number;
  href: string;
  text: string;
}

/**
 * The end of a bare URL whose address starts at `from` (just past "http://" or "https://").
 * `wrapper` is the marker right before the URL ("**" or "_"): only then is the same marker at its
 * end taken as closing it, so "**https://x.test**" is a bold link and "https://x.test/a**b**" a URL.
 */
function urlEnd(line: string, from: number, wrapper: string | null): number {
  let end = from;
  while (end < line.length && !URL_STOP.test(line[end]!)) end++;
  let opened = 0;
  let closed = 0;
  for (let i = from; i < end; i++) {
    if (line[i] === '(') opened++;
    else if (line[i] === ')') closed++;
  }
  // Trailing punctuation belongs to the sentence; a closing bracket stays if the URL opened one.
  for (;;) {
    if (wrapper && end - wrapper.length > from && line.startsWith(wrapper, end - wrapper.length)) {
      end -= wrapper.length;
      continue;
    }
    if (end <= from || !TRAILING.has(line[end - 1]!)) break;
    if (line[end - 1] === ')') {
      if (opened >= closed) break;
      closed--;
    }
    end--;
  }
  return end;
}

function startsWithAt(line: string, i: number, prefix: string): boolean {
  return line.slice(i, i + prefix.length).toLowerCase() === prefix;
}

/** Bare http(s) URLs and email addresses in one line, left to right, never overlapping. */
function findLinks(line: string): LinkSpan[] {
  const spans: LinkSpan[] = [];
  let consumed = 0;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if ((ch === 'h' || ch === 'H') && !isWordChar(line[i - 1])) {
      const scheme = startsWithAt(line, i, 'https://') ? 8 : startsWithAt(line, i, 'http://') ? 7 : 0;
      if (scheme) {
        const wrapper = line.startsWith('**', i - 2) ? '**' : line[i - 1] === '_' ? '_' : null;
        const end = urlEnd(line, i + scheme, wrapper);
        if (end > i + scheme) {
          const url = line.slice(i, end);
          spans.push({ start: i, end, href: url, text: url });
          consumed = end;
          i = end - 1;
          continue;
        }
      }
    }
    if (ch === '@') {
      // The local part runs back to the last link or the last non-address character; each '@'
      // scans only its own stretch, so the whole line is read a bounded number of times.
      let start = i;
      while (start > consumed && isEmailLocal(line[start - 1])) start--;
      while (start < i && (line[start] === '.' || line[start] === '_')) start++;
      let end = i + 1;
      while (end < line.length && isDomainChar(line[end])) end++;
      while (end > i + 1 && (line[end - 1] === '.' || line[end - 1] === '-')) end--;
      const domain = line.slice(i + 1, end);
      const labels = domain.split('.');
      const valid =
        start < i &&
        labels.length >= 2 &&
        labels.every((l) => l.length > 0 && !l.startsWith('-') && !l.endsWith('-')) &&
        /^[A-Za-z]{2,}$/.test(labels[labels.length - 1]!);
      if (valid) {
        const address = line.slice(start, end);
        spans.push({ start, end, href: `mailto:${address}`, text: address });
        consumed = end;
        i = end - 1;
      } else {
        consumed = i + 1;
      }
    }
  }
  return spans;
}

type Token =
  | { kind: 'text'; text: string }
  | { kind: 'link'; href: string; text: string }
  | { kind: 'delim'; marker: '**' | '_'; canOpen: boolean; canClose: boolean; pair: number | null };

/** Splits plain stretches into text and candidate ** and _ delimiters. */
function tokenizeText(line: string, from: number, to: number, out: Token[]): void {
  let textStart = from;
  let i = from;
  const flush = (end: number) => {
    if (end > textStart) out.push({ kind: 'text', text: line.slice(textStart, end) });
  };
  while (i < to) {
    const ch = line[i];
    if (ch !== '*' && ch !== '_') {
      i++;
      continue;
    }
    let run = i;
    while (run < to && line[run] === ch) run++;
    const length = run - i;
    // Only "**" and a single "_" are markers: longer runs (***, __init__) are text, predictably.
    if ((ch === '*' && length === 2) || (ch === '_' && length === 1)) {
      const before = line[i - 1];
      const after = line[run];
      const canOpen = !isSpace(after) && (ch === '*' || !isWordChar(before));
      const canClose = !isSpace(before) && (ch === '*' || !isWordChar(after));
      flush(i);
      out.push({ kind: 'delim', marker: ch === '*' ? '**' : '_', canOpen, canClose, pair: null });
      textStart = run;
    }
    i = run;
  }
  flush(to);
}

/**
 * Pairs delimiters with one stack: a closer matches the nearest open marker of its kind, and any
 * other openers inside it stay text (so spans never cross). A marker already open cannot open again,
 * which keeps the nesting at most two deep whatever the input.
 */
function pairDelimiters(tokens: Token[]): void {
  const stack: number[] = [];
  const open = { '**': 0, _: 0 };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== 'delim') continue;
    if (token.canClose && open[token.marker] > 0) {
      let opener = stack.pop()!;
      while ((tokens[opener] as Token & { kind: 'delim' }).marker !== token.marker) {
        open[(tokens[opener] as Token & { kind: 'delim' }).marker]--;
        opener = stack.pop()!;
      }
      open[token.marker]--;
      // "****" is not an empty bold: both stay text.
      if (opener === i - 1) continue;
      (tokens[opener] as Token & { kind: 'delim' }).pair = i;
      token.pair = opener;
    } else if (token.canOpen && open[token.marker] === 0) {
      stack.push(i);
      open[token.marker]++;
    }
  }
}

function parseInline(line: string, markup: boolean): SimpleInline[] {
  const tokens: Token[] = [];
  let at = 0;
  for (const span of findLinks(line)) {
    if (markup) tokenizeText(line, at, span.start, tokens);
    else if (span.start > at) tokens.push({ kind: 'text', text: line.slice(at, span.start) });
    tokens.push({ kind: 'link', href: span.href, text: span.text });
    at = span.end;
  }
  if (markup) tokenizeText(line, at, line.length, tokens);
  else if (line.length > at) tokens.push({ kind: 'text', text: line.slice(at) });
  pairDelimiters(tokens);

  const root: SimpleInline[] = [];
  const stack: SimpleInline[][] = [root];
  const push = (node: SimpleInline) => {
    const children = stack[stack.length - 1]!;
    const last = children[children.length - 1];
    if (node.type === 'text' && last?.type === 'text') last.text += node.text;
    else children.push(node);
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'text') push({ type: 'text', text: token.text });
    else if (token.kind === 'link') push({ type: 'link', href: token.href, text: token.text });
    else if (token.pair === null) push({ type: 'text', text: token.marker });
    else if (token.pair > i) {
      const children: SimpleInline[] = [];
      push({ type: token.marker === '**' ? 'strong' : 'em', children });
      stack.push(children);
    } else stack.pop();
  }
  return root;
}

// ---------------------------------------------------------------------------------------------
// Blocks

/** The officer's text as blocks: paragraphs, lists and the quoted original. */
export function parseSimpleFormat(input: string): SimpleBlock[] {
  // Control characters other than tab and newline have no place in a reply.
  const lines = input
    .replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
    .split('\n');
  const blocks: SimpleBlock[] = [];
  let blankBefore = false;
  let current: SimpleBlock | null = null;
  let currentKind: LineKind | null = null;
  for (const line of lines) {
    const kind = lineKind(line);
    if (kind === 'blank') {
      if (current) blankBefore = true;
      current = null;
      currentKind = null;
      continue;
    }
    if (current && currentKind === kind) {
      if (current.type === 'paragraph') current.lines.push(parseInline(line, true));
      else if (current.type === 'quote') current.lines.push(line);
      else current.items.push(parseInline(line.slice(listMarker(line)!.length), true));
      continue;
    }
    const gap = blankBefore && blocks.length > 0;
    if (kind === 'quote') current = { type: 'quote', lines: [line], blankBefore: gap };
    else if (kind === 'text')
      current = { type: 'paragraph', lines: [parseInline(line, true)], blankBefore: gap };
    else
      current = {
        type: 'list',
        ordered: kind === 'number',
        items: [parseInline(line.slice(listMarker(line)!.length), true)],
        blankBefore: gap,
      };
    blocks.push(current);
    currentKind = kind;
    blankBefore = false;
  }
  return blocks;
}

/** A quoted line without its first ">" and the space after it, as the blockquote shows it. */
export function unquotedLine(line: string): string {
  return line.startsWith('> ') ? line.slice(2) : line.startsWith('>') ? line.slice(1) : line;
}

// ---------------------------------------------------------------------------------------------
// Rendering

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Only links we made ourselves reach here, but the scheme is checked again at the last step. */
export function safeHref(href: string): string | null {
  return /^(https?:\/\/|mailto:)/i.test(href) ? href : null;
}

function inlineHtml(nodes: SimpleInline[]): string {
  let out = '';
  for (const node of nodes) {
    if (node.type === 'text') out += escapeHtml(node.text);
    else if (node.type === 'strong') out += `<strong>${inlineHtml(node.children)}</strong>`;
    else if (node.type === 'em') out += `<em>${inlineHtml(node.children)}</em>`;
    else {
      const href = safeHref(node.href);
      out += href ? `<a href="${escapeHtml(href)}">${escapeHtml(node.text)}</a>` : escapeHtml(node.text);
    }
  }
  return out;
}

function inlineText(nodes: SimpleInline[]): string {
  let out = '';
  for (const node of nodes) {
    if (node.type === 'text' || node.type === 'link') out += node.text;
    else out += inlineText(node.children);
  }
  return out;
}

/**
 * The HTML part: every paragraph, list and quote carries dir="auto", so the journalist's client
 * sets an Arabic paragraph right-to-left and an English one left-to-right. No attribute other than
 * dir and a link's href is ever written, and all text is escaped.
 */
export function simpleFormatHtml(blocks: SimpleBlock[]): string {
  return blocks
    .map((block) => {
      if (block.type === 'paragraph')
        return `<p dir="auto">${block.lines.map(inlineHtml).join('<br>\n')}</p>`;
      if (block.type === 'list') {
        const tag = block.ordered ? 'ol' : 'ul';
        // Items take the list's direction: dir="auto" resolves from text not inside another
        // element with its own dir, so a dir on every item would leave the list itself left-to-right.
        const items = block.items.map((item) => `<li>${inlineHtml(item)}</li>`).join('\n');
        return `<${tag} dir="auto">\n${items}\n</${tag}>`;
      }
      const lines = block.lines.map((line) => inlineHtml(parseInline(unquotedLine(line), false)));
      return `<blockquote dir="auto">${lines.join('<br>\n')}</blockquote>`;
    })
    .join('\n');
}

/** The plain-text part: markers gone, URLs as written, bullets "- ", numbers 1., 2., … in order. */
export function simpleFormatText(blocks: SimpleBlock[]): string {
  let out = '';
  blocks.forEach((block, index) => {
    if (index > 0) out += block.blankBefore ? '\n\n' : '\n';
    if (block.type === 'paragraph') out += block.lines.map(inlineText).join('\n');
    else if (block.type === 'list')
      out += block.items
        .map((item, n) => `${block.ordered ? `${n + 1}. ` : '- '}${inlineText(item)}`)
        .join('\n');
    else out += block.lines.join('\n');
  });
  return out;
}

/** Both parts of a formatted reply. */
export function renderSimpleFormat(input: string): { html: string; text: string } {
  const blocks = parseSimpleFormat(input);
  return { html: simpleFormatHtml(blocks), text: `${simpleFormatText(blocks)}\n` };
}
