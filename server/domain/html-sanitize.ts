// Mail HTML made safe to show in a sandboxed frame: an allow-list of elements, attributes, URL schemes
// and CSS, rebuilt from the parsed tree (never by editing the input string), with remote content
// blocked unless the caller allows it. Pure: no I/O, no clock.
//
// Why a rebuild and not a filter: everything in the output is written by the serialiser below, so text
// is always escaped, every attribute is quoted, and the only raw-text element (<style>) holds CSS we
// generated ourselves. A browser parsing the output cannot find a tag we did not emit, whatever
// parser differences htmlparser2 has (the mXSS class of bugs needs the sanitiser to pass through markup
// it did not understand).
import { parseDocument } from 'htmlparser2';
import type { ChildNode, Element } from 'domhandler';

/** Bump when the rules change: stored HTML is sanitised on every read, so nothing old is ever served. */
export const SANITIZER_VERSION = 1;

export interface SanitizeOptions {
  /** Show http(s) images and backgrounds (staff chose "show images from this sender"). */
  allowRemoteImages: boolean;
  /**
   * The `data:` URL (or any safe URL) for a `cid:` reference to one of this message's own parts, or
   * null when the message has no such raster part: the reference is then dropped.
   */
  resolveCid?: (contentId: string) => string | null;
  /**
   * With allowRemoteImages: the URL to show for a remote image instead of the image itself (the
   * server's own inlined copy), or null to drop it. Without it, allowed remote URLs are kept as they are.
   */
  resolveRemote?: (url: string) => string | null;
  /** Input larger than this is not rendered at all (the caller offers the raw download instead). */
  maxInputBytes?: number;
}

export interface SanitizeResult {
  /** A body fragment (no <html>/<head>/<body>); null when the input was too large to render. */
  html: string | null;
  /** Remote images, backgrounds, stylesheets and fonts that were blocked. */
  remoteBlocked: number;
}

const DEFAULT_MAX_INPUT = 5 * 1024 * 1024;
// Deeper nesting is unwrapped (its text kept): keeps the walk and the browser's layout bounded.
const MAX_DEPTH = 256;
// htmlparser2 keeps its open-element stack with unshift(), so parsing grows with depth squared: input
// nested deeper than this is not parsed at all (the UI offers the raw download instead).
const MAX_PARSE_DEPTH = 4000;
// End tags that may be left out (HTML §13.1.2.4): not counted, so tag soup does not look deep.
const OPTIONAL_END = new Set([
  'p',
  'li',
  'td',
  'th',
  'tr',
  'dd',
  'dt',
  'option',
  'tbody',
  'thead',
  'tfoot',
  'colgroup',
  'rt',
  'rp',
  'optgroup',
  'caption',
  'html',
  'head',
  'body',
]);
const VOID_ANYWHERE = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
  'keygen',
]);

/** An upper estimate of element nesting, in one linear pass over the tags. */
function nestingTooDeep(html: string): boolean {
  let depth = 0;
  const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*?(\/?)>/g;
  let m: RegExpExecArray | null;
  while ((m = tag.exec(html))) {
    const name = m[2]!.toLowerCase();
    if (VOID_ANYWHERE.has(name) || OPTIONAL_END.has(name) || m[3]) continue;
    depth = m[1] ? Math.max(0, depth - 1) : depth + 1;
    if (depth > MAX_PARSE_DEPTH) return true;
  }
  return false;
}
const MAX_ATTRIBUTE_LENGTH = 8 * 1024;
const MAX_STYLE_LENGTH = 64 * 1024;
const MAX_DATA_URL_LENGTH = 4 * 1024 * 1024;

/** Kept with their allowed attributes. */
const ELEMENTS = new Set([
  'a',
  'abbr',
  'address',
  'article',
  'aside',
  'b',
  'bdi',
  'bdo',
  'big',
  'blockquote',
  'br',
  'caption',
  'center',
  'cite',
  'code',
  'col',
  'colgroup',
  'dd',
  'del',
  'details',
  'dfn',
  'div',
  'dl',
  'dt',
  'em',
  'figcaption',
  'figure',
  'font',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'i',
  'img',
  'ins',
  'kbd',
  'li',
  'main',
  'mark',
  'nav',
  'ol',
  'p',
  'pre',
  'q',
  'rp',
  'rt',
  'ruby',
  's',
  'samp',
  'section',
  'small',
  'span',
  'strike',
  'strong',
  'sub',
  'summary',
  'sup',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'time',
  'tr',
  'tt',
  'u',
  'ul',
  'var',
  'wbr',
]);

/** Removed together with everything inside them. */
const DROP_WITH_CONTENT = new Set([
  'script',
  'noscript',
  'template',
  'iframe',
  'frame',
  'frameset',
  'noframes',
  'object',
  'embed',
  'applet',
  'portal',
  'svg',
  'math',
  'title',
  'textarea',
  'select',
  'option',
  'optgroup',
  'datalist',
  'video',
  'audio',
  'source',
  'track',
  'picture',
  'canvas',
  'map',
  'area',
  'meta',
  'link',
  'base',
  'input',
  'param',
  'xmp',
  'plaintext',
  'noembed',
  'xml',
  'comment',
  'dialog',
  'slot',
]);

const VOID = new Set(['br', 'col', 'hr', 'img', 'wbr']);

const GLOBAL_ATTRIBUTES = new Set(['align', 'dir', 'lang', 'title', 'valign', 'style', 'class']);

const ELEMENT_ATTRIBUTES: Record<string, Set<string>> = {
  a: new Set(['href']),
  img: new Set(['src', 'alt', 'width', 'height', 'border', 'hspace', 'vspace']),
  table: new Set([
    'width',
    'height',
    'border',
    'cellpadding',
    'cellspacing',
    'bgcolor',
    'summary',
    'background',
  ]),
  td: new Set(['width', 'height', 'colspan', 'rowspan', 'bgcolor', 'nowrap', 'abbr', 'scope', 'background']),
  th: new Set(['width', 'height', 'colspan', 'rowspan', 'bgcolor', 'nowrap', 'abbr', 'scope', 'background']),
  tr: new Set(['height', 'bgcolor']),
  tbody: new Set(['bgcolor']),
  thead: new Set(['bgcolor']),
  tfoot: new Set(['bgcolor']),
  col: new Set(['width', 'span']),
  colgroup: new Set(['width', 'span']),
  font: new Set(['color', 'face', 'size']),
  hr: new Set(['width', 'size', 'noshade', 'color']),
  ol: new Set(['start', 'type', 'reversed']),
  ul: new Set(['type']),
  li: new Set(['type', 'value']),
  div: new Set(['bgcolor']),
  time: new Set(['datetime']),
  details: new Set(['open']),
  br: new Set(['clear']),
};

// ---- URLs ----

// Browsers drop tab and newline anywhere in a URL and C0 controls or spaces at its ends.
function cleanUrl(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    if (code > 0x20 && (code < 0x7f || code > 0x9f)) out += ch;
  }
  return out;
}

const RASTER_DATA_URL = /^data:image\/(png|gif|jpe?g|webp|bmp);base64,[a-z0-9+/=]+$/i;

/** A host a remote image must never be fetched from: loopback, private networks, bare IPs. */
function privateHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!h.includes('.') || h.startsWith('[')) return true; // "localhost", intranet names, IPv6 literals
  if (/^[0-9.]+$/.test(h) || /^0x/i.test(h)) return true; // IPv4 literals in any notation
  return /(^|\.)(localhost|local|internal|lan|home|corp|intranet|nip\.io|sslip\.io|xip\.io)$/.test(h);
}

type UrlVerdict = { url: string } | { blockedRemote: true } | null;

function linkUrl(raw: string): string | null {
  const value = cleanUrl(raw);
  if (value.length > MAX_ATTRIBUTE_LENGTH) return null;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
  if (scheme !== 'http' && scheme !== 'https' && scheme !== 'mailto') return null;
  try {
    return new URL(value).href;
  } catch {
    return null;
  }
}

function imageUrl(raw: string, options: SanitizeOptions): UrlVerdict {
  const value = cleanUrl(raw);
  if (/^cid:/i.test(value)) {
    let id = value.slice(4);
    try {
      id = decodeURIComponent(id);
    } catch {
      // Keep the literal id.
    }
    const url = options.resolveCid?.(id.replace(/^<|>$/g, '')) ?? null;
    return url ? { url } : null;
  }
  if (/^data:/i.test(value)) {
    return value.length <= MAX_DATA_URL_LENGTH && RASTER_DATA_URL.test(value) ? { url: value } : null;
  }
  if (/^(https?:)?\/\//i.test(value)) {
    if (!options.allowRemoteImages) return { blockedRemote: true };
    try {
      const url = new URL(value.startsWith('//') ? `https:${value}` : value);
      if (privateHost(url.hostname)) return null;
      if (!options.resolveRemote) return { url: url.href };
      const resolved = options.resolveRemote(url.href);
      return resolved ? { url: resolved } : null;
    } catch {
      return null;
    }
  }
  return null; // relative, javascript:, vbscript:, anything else
}

// ---- CSS ----

/** Decodes CSS escapes (`\75 rl(` is `url(`) so the checks below see what the browser will see. */
function decodeCssEscapes(css: string): string {
  return css.replace(/\\([0-9a-f]{1,6})[ \t\n\r\f]?|\\([^\n0-9a-f])/gi, (_m, hex?: string, ch?: string) => {
    if (hex) {
      const code = parseInt(hex, 16);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
    }
    return ch ?? '';
  });
}

// Functions that fetch or run something. `url(` is handled separately (allowed for images on request).
const CSS_FORBIDDEN =
  /expression|javascript|vbscript|behavior|binding|@import|image-set|cross-fade|element\s*\(|image\s*\(|paint\s*\(|src\s*\(|env\s*\(|attr\s*\(|[<>\\{}@]/i;

const CSS_PROPERTY = /^-?[a-z][a-z0-9-]*$|^--[a-z0-9_-]+$/i;
const CSS_DROPPED_PROPERTIES = new Set(['behavior', '-moz-binding', 'content', 'cursor', 'src', 'filter']);

interface CssCounter {
  remoteBlocked: number;
}

/** Splits a declaration list at top-level semicolons (not inside strings or parentheses). */
function splitDeclarations(css: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < css.length; i++) {
    const c = css[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ';' && depth === 0) {
      out.push(css.slice(start, i));
      start = i + 1;
    }
  }
  out.push(css.slice(start));
  return out;
}

/** One `property: value` made safe, or null to drop it. */
function sanitizeDeclaration(decl: string, options: SanitizeOptions, counter: CssCounter): string | null {
  const colon = decl.indexOf(':');
  if (colon <= 0) return null;
  const property = decl.slice(0, colon).trim().toLowerCase();
  let value = decl.slice(colon + 1).trim();
  if (!CSS_PROPERTY.test(property) || CSS_DROPPED_PROPERTIES.has(property)) return null;
  if (!value || CSS_FORBIDDEN.test(value)) return null;
  // The mail cannot escape its frame anyway; fixed and sticky layers only hide the mail's own text.
  if (property === 'position' && !/^(static|relative)(\s*!important)?$/i.test(value)) return null;
  if (/url\s*\(/i.test(value)) {
    let blocked = false;
    let bad = false;
    value = value.replace(
      /url\s*\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"]*))\s*\)/gi,
      (_m, a?: string, b?: string, c?: string) => {
        const verdict = imageUrl(a ?? b ?? c ?? '', options);
        if (verdict && 'url' in verdict)
          return `url("${verdict.url.replace(/["\\\n\r]/g, encodeURIComponent)}")`;
        if (verdict) blocked = true;
        else bad = true;
        return '';
      },
    );
    // Anything the pattern did not consume (an unclosed `url(`, a nested one) means we cannot trust it.
    if (/url\s*\(/i.test(value.replace(/url\("[^"]*"\)/g, '')) || bad || blocked) {
      if (blocked) counter.remoteBlocked++;
      return null;
    }
  }
  return `${property}: ${value}`;
}

function sanitizeDeclarations(css: string, options: SanitizeOptions, counter: CssCounter): string {
  if (css.length > MAX_STYLE_LENGTH) return '';
  const decoded = decodeCssEscapes(css.replace(/\/\*[\s\S]*?(\*\/|$)/g, ''));
  const kept: string[] = [];
  for (const decl of splitDeclarations(decoded)) {
    const safe = sanitizeDeclaration(decl, options, counter);
    if (safe) kept.push(safe);
  }
  return kept.join('; ');
}

/** A selector we are willing to emit: no escapes, no markup, no at-signs or braces. */
function safeSelector(selector: string): string | null {
  const s = selector.trim().replace(/\s+/g, ' ');
  if (!s || s.length > 1000 || /[<>\\@{}]|expression|javascript/i.test(s)) return null;
  return s;
}

/**
 * A <style> sheet rebuilt rule by rule: plain rules and @media blocks are kept; every other at-rule
 * (@import, @font-face, @keyframes…) is dropped with its block.
 */
function sanitizeStylesheet(css: string, options: SanitizeOptions, counter: CssCounter): string {
  if (css.length > MAX_STYLE_LENGTH * 4) return '';
  const text = decodeCssEscapes(css.replace(/\/\*[\s\S]*?(\*\/|$)/g, '').replace(/<!--|-->/g, ''));
  const out: string[] = [];
  let i = 0;
  // Reads from `i` to the matching close brace of a block that opened just before `i`.
  const readBlock = (): string => {
    let depth = 1;
    const start = i;
    while (i < text.length && depth > 0) {
      const c = text[i++];
      if (c === '{') depth++;
      else if (c === '}') depth--;
    }
    return text.slice(start, depth === 0 ? i - 1 : i);
  };
  const rules = (body: string): string[] => {
    const found: string[] = [];
    const re = /([^{}]+)\{([^{}]*)\}/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(body))) {
      const selector = safeSelector(m[1]!);
      if (!selector || selector.startsWith('@')) continue;
      const decls = sanitizeDeclarations(m[2]!, options, counter);
      if (decls) found.push(`${selector} { ${decls} }`);
    }
    return found;
  };
  let blocks = 0;
  while (i < text.length) {
    const open = text.indexOf('{', i);
    if (open === -1) break;
    // Statements such as `@charset "x";` end at a semicolon; what follows the last one is the prelude.
    const prelude = text
      .slice(i, open)
      .replace(/^[\s\S]*;/, '')
      .trim();
    i = open + 1;
    const block = readBlock();
    if (++blocks > 5000) break; // bounded work for hostile sheets (thousands of @keyframes)
    if (prelude.startsWith('@')) {
      if (/^@font-face/i.test(prelude) && /url\s*\(/i.test(block)) counter.remoteBlocked++;
      const media = /^@media\s+([^{};<>\\@]*)$/i.exec(prelude);
      if (media) {
        const inner = rules(block);
        if (inner.length) out.push(`@media ${media[1]!.trim()} { ${inner.join(' ')} }`);
      }
      continue;
    }
    const selector = safeSelector(prelude);
    if (!selector) continue;
    const decls = sanitizeDeclarations(block, options, counter);
    if (decls) out.push(`${selector} { ${decls} }`);
  }
  counter.remoteBlocked += (text.match(/@import\b/gi) ?? []).length;
  // Belt and braces: the sheet is raw text inside <style>; it must not be able to close it.
  return out.join('\n').replace(/</g, '\\3c ');
}

// ---- Tree walk and serialisation ----

function escapeText(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\u00a0/g, '&nbsp;');
}

function escapeAttribute(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function isElement(node: ChildNode): node is Element {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

function attributesOf(el: Element, options: SanitizeOptions, counter: CssCounter): string {
  const name = el.name;
  const allowed = ELEMENT_ATTRIBUTES[name];
  const out: string[] = [];
  for (const [rawKey, rawValue] of Object.entries(el.attribs)) {
    const key = rawKey.toLowerCase();
    if (!(GLOBAL_ATTRIBUTES.has(key) || allowed?.has(key))) continue;
    if (rawValue.length > MAX_ATTRIBUTE_LENGTH && key !== 'src') continue;
    let value: string | null = rawValue;
    if (key === 'href') value = linkUrl(rawValue);
    else if (key === 'src' || key === 'background') {
      const verdict = imageUrl(rawValue, options);
      if (verdict && 'blockedRemote' in verdict) counter.remoteBlocked++;
      value = verdict && 'url' in verdict ? verdict.url : null;
    } else if (key === 'style') {
      value = sanitizeDeclarations(rawValue, options, counter) || null;
    } else if (key === 'class') {
      value = rawValue.replace(/[^\w\s-]/g, '').slice(0, 200) || null;
    }
    if (value === null) continue;
    out.push(` ${key}="${escapeAttribute(value)}"`);
  }
  if (name === 'a' && out.some((a) => a.startsWith(' href='))) {
    // Links leave the frame in a new tab and never tell the destination where they came from.
    out.push(' target="_blank" rel="noopener noreferrer"');
  }
  return out.join('');
}

interface Frame {
  nodes: ChildNode[];
  index: number;
  close: string;
  depth: number;
}

/** Safe HTML for a sandboxed frame from untrusted mail HTML; see SanitizeOptions. */
export function sanitizeMailHtml(input: string, options: SanitizeOptions): SanitizeResult {
  const max = options.maxInputBytes ?? DEFAULT_MAX_INPUT;
  if (input.length > max || nestingTooDeep(input)) return { html: null, remoteBlocked: 0 };
  const doc = parseDocument(input, {
    decodeEntities: true,
    lowerCaseTags: true,
    lowerCaseAttributeNames: true,
  });
  const counter: CssCounter = { remoteBlocked: 0 };
  const out: string[] = [];
  const styles: string[] = [];
  // Iterative walk: a hostile 100,000-deep nesting must not overflow the stack.
  const stack: Frame[] = [{ nodes: doc.children, index: 0, close: '', depth: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.index >= frame.nodes.length) {
      out.push(frame.close);
      stack.pop();
      continue;
    }
    const node = frame.nodes[frame.index++]!;
    if (node.type === 'text') {
      out.push(escapeText(node.data));
      continue;
    }
    if (!isElement(node)) continue; // comments, CDATA, processing instructions, doctypes
    const name = node.name.toLowerCase();
    if (name === 'style') {
      const css = node.children.map((c) => (c.type === 'text' ? c.data : '')).join('');
      const sheet = sanitizeStylesheet(css, options, counter);
      if (sheet) styles.push(sheet);
      continue;
    }
    if (DROP_WITH_CONTENT.has(name)) {
      if (name === 'link' && /stylesheet|preload|prefetch/i.test(node.attribs.rel ?? ''))
        counter.remoteBlocked++;
      if (['video', 'audio', 'picture', 'source', 'input'].includes(name)) {
        if (Object.values(node.attribs).some((v) => /^\s*(https?:)?\/\//i.test(v))) counter.remoteBlocked++;
      }
      continue;
    }
    const keep = ELEMENTS.has(name) && frame.depth < MAX_DEPTH;
    if (name === 'img' && keep) {
      const attrs = attributesOf(node, options, counter);
      // An image without a usable source is just its alt text, and nothing to fetch.
      if (/ src="/.test(attrs)) out.push(`<img${attrs}>`);
      else if (node.attribs.alt) out.push(escapeText(`[${node.attribs.alt}]`));
      continue;
    }
    if (keep) {
      out.push(`<${name}${attributesOf(node, options, counter)}>`);
      if (VOID.has(name)) continue;
    } else if (name === 'body' || name === 'html') {
      // Unwrapped; its attributes (onload, background…) go with it, but count what it would fetch.
      if (node.attribs.background && /^\s*(https?:)?\/\//i.test(node.attribs.background))
        counter.remoteBlocked++;
    }
    // Unknown or too-deep elements are unwrapped: their text stays readable.
    stack.push({
      nodes: node.children,
      index: 0,
      close: keep ? `</${name}>` : '',
      depth: frame.depth + (keep ? 1 : 0),
    });
  }
  const head = styles.length ? `<style>${styles.join('\n')}</style>` : '';
  return { html: head + out.join(''), remoteBlocked: counter.remoteBlocked };
}
