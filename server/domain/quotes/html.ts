// HTML to lines with a quote depth taken from the markup, before any flattening loses it: blockquote,
// Gmail's gmail_quote, Thunderbird's moz-cite-prefix, Yahoo's yahoo_quoted are quote containers;
// Outlook's divRplyFwdMsg / OutlookMessageHeader / OLK_SRC_BODY_SECTION / appendonsend and the
// Zimbra/Hotmail rules (hr#zwchr, hr#stopSpelling) start history that runs to the end of the body.
// One linear pass with a stack of open elements; never builds a tree, so nesting depth is no risk.
import { RULE_FLAG, SIGNATURE_FLAG, type HtmlLineData } from './lines.ts';

const VOID = new Set([
  'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr',
]); // prettier-ignore
const SKIP_CONTENT = new Set(['script', 'style', 'title', 'template', 'noscript', 'xml']);
const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'center', 'dd', 'details', 'dialog', 'div', 'dl',
  'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr',
  'html', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th',
  'thead', 'tr', 'ul',
]); // prettier-ignore
const PARAGRAPH = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
// Elements that close an open sibling of the same name (<p>a<p>b, <li>a<li>b) when omitted.
const SELF_CLOSING_SIBLINGS = new Set(['p', 'li', 'tr', 'td', 'th', 'dt', 'dd', 'option']);
/** How far down the stack an end tag looks for its element; stray end tags beyond are ignored. */
const END_TAG_SEARCH = 64;
const MAX_BLANK_RUN = 2;

const QUOTE_CLASSES = new Set([
  'gmail_quote', 'gmail_quote_container', 'moz-cite-prefix', 'yahoo_quoted', 'protonmail_quote', 'tutanota_quote',
  'zmail_extra', 'ms-outlook-mobile-reference-message',
]); // prettier-ignore
const HISTORY_IDS = new Set([
  'divrplyfwdmsg', 'olk_src_body_section', 'appendonsend', 'outlookmessageheader', 'zwchr', 'stopspelling',
  'mail-editor-reference-message-container',
]); // prettier-ignore
const HISTORY_CLASSES = new Set(['outlookmessageheader', 'ms-outlook-mobile-reference-message']);
const SIGNATURE_CLASSES = new Set([
  'gmail_signature',
  'moz-signature',
  'signature',
  'ms-outlook-mobile-signature',
]);
const SIGNATURE_IDS = new Set(['signature', 'applemailsignature', 'ms-outlook-mobile-signature']);

// prettier-ignore
const ENTITIES: Record<string, string> = {
  nbsp: '\u00a0', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", laquo: '«', raquo: '»', lsquo: '‘',
  rsquo: '’', ldquo: '“', rdquo: '”', sbquo: '‚', bdquo: '„', hellip: '…', mdash: '—', ndash: '–', bull: '•',
  middot: '·', copy: '©', reg: '®', trade: '™', euro: '€', pound: '£', yen: '¥', cent: '¢', sect: '§',
  para: '¶', deg: '°', plusmn: '±', times: '×', divide: '÷', shy: '\u00ad', zwnj: '\u200c', zwj: '\u200d',
  lrm: '\u200e', rlm: '\u200f', thinsp: '\u2009', ensp: '\u2002', emsp: '\u2003', iexcl: '¡', iquest: '¿',
  szlig: 'ß', oelig: 'œ', OElig: 'Œ', aelig: 'æ', AElig: 'Æ', ccedil: 'ç', Ccedil: 'Ç', ntilde: 'ñ',
  Ntilde: 'Ñ', oslash: 'ø', Oslash: 'Ø', aring: 'å', Aring: 'Å', eth: 'ð', thorn: 'þ',
};
// Latin-1 letters with accents: &eacute; &Uuml; … built rather than listed.
const ACCENTS: Record<string, string> = {
  grave: '\u0300',
  acute: '\u0301',
  circ: '\u0302',
  tilde: '\u0303',
  uml: '\u0308',
};
for (const base of 'aeiouyAEIOUY') {
  for (const [name, mark] of Object.entries(ACCENTS))
    ENTITIES[base + name] ??= (base + mark).normalize('NFC');
}

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#[xX][0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z]{2,8});?/g, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
        ? String.fromCodePoint(code)
        : '\ufffd';
    }
    return ENTITIES[ref] ?? ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

interface Open {
  tag: string;
  /** A paragraph with margins (blank lines around it), unlike Outlook's margin-less MsoNormal. */
  paragraph: boolean;
  quote: boolean;
  signature: boolean;
  pre: boolean;
}

interface Attributes {
  id: string;
  classes: string[];
  signatureBlock: boolean;
}

const NO_ATTRIBUTES: Attributes = { id: '', classes: [], signatureBlock: false };
const TAG_NAME = /[a-zA-Z][^\s/>]{0,63}/y;

function parseAttributes(source: string): Attributes {
  if (!source.includes('=')) return NO_ATTRIBUTES;
  let id = '';
  let classes: string[] = [];
  let signatureBlock = false;
  for (const m of source.matchAll(/([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
    const name = m[1]!.toLowerCase();
    const value = m[2] ?? m[3] ?? m[4] ?? '';
    // Outlook on the web prefixes the ids and classes of quoted mail with "x_".
    const clean = (v: string): string => v.toLowerCase().replace(/^(?:x_)+/, '');
    if (name === 'id') id = clean(value);
    else if (name === 'class') classes = value.split(/\s+/).filter(Boolean).map(clean);
    else if (name === 'data-signatureblock' || (name === 'data-smartmail' && value === 'gmail_signature')) {
      signatureBlock = true;
    }
  }
  return { id, classes, signatureBlock };
}

class LineWriter {
  readonly data: HtmlLineData = { texts: [], depths: [], flags: [] };
  private current = '';
  private currentDepth = 0;
  private currentSignature = false;

  /** Appends text already whitespace-collapsed (unless `pre`). */
  write(text: string, depth: number, signature: boolean): void {
    if (this.current === '') {
      text = text.replace(/^[ \t]+/, '');
      if (text === '') return;
      this.currentDepth = depth;
      this.currentSignature = signature;
    }
    this.current += text;
  }

  /** Ends the line if it has content (a block boundary). */
  soft(): void {
    const text = this.current.trimEnd();
    if (text !== '') this.push(text, this.currentDepth, this.currentSignature ? SIGNATURE_FLAG : 0);
    this.current = '';
  }

  /** Ends the line, producing a blank one if it was empty (a <br>). */
  hard(depth: number): void {
    if (this.current.trim() !== '') this.soft();
    else this.blank(depth);
  }

  /** Ensures a blank line separates what follows (a paragraph). */
  paragraph(depth: number): void {
    this.soft();
    const { texts, flags } = this.data;
    const last = texts.length - 1;
    if (last >= 0 && !(texts[last] === '' && flags[last] === 0)) this.blank(depth);
  }

  rule(depth: number): void {
    this.soft();
    this.push('', depth, RULE_FLAG);
  }

  private blank(depth: number): void {
    const { texts, flags } = this.data;
    let run = 0;
    for (let i = texts.length - 1; i >= 0 && texts[i] === '' && flags[i] === 0; i--) run++;
    if (texts.length > 0 && run < MAX_BLANK_RUN) this.push('', depth, 0);
  }

  private push(text: string, depth: number, flags: number): void {
    this.data.texts.push(text);
    this.data.depths.push(depth);
    this.data.flags.push(flags);
  }
}

/** Lines of text from an HTML body, each with the quote depth its markup gives it. */
export function htmlToQuoteLines(html: string): HtmlLineData {
  const lower = html.toLowerCase();
  const out = new LineWriter();
  const stack: Open[] = [];
  let quoteDepth = 0;
  let history = false; // an Outlook/Zimbra/Hotmail marker was seen: the rest is quoted
  let signatureDepth = 0;
  let preDepth = 0;
  const unclosed = new Set<string>();
  const depth = (): number => quoteDepth + (history ? 1 : 0);

  const text = (raw: string): void => {
    let t = decodeEntities(raw);
    if (preDepth > 0) {
      const parts = t.replace(/\r\n?/g, '\n').split('\n');
      parts.forEach((part, i) => {
        if (i > 0) out.hard(depth());
        if (part !== '') out.write(part.replace(/\u00a0/g, ' '), depth(), signatureDepth > 0);
      });
      return;
    }
    t = t.replace(/[\s\u00a0]+/g, ' ');
    if (t !== '') out.write(t, depth(), signatureDepth > 0);
  };

  const close = (open: Open): void => {
    if (open.quote) quoteDepth--;
    if (open.signature) signatureDepth--;
    if (open.pre) preDepth--;
    if (open.paragraph) out.paragraph(depth());
    else if (BLOCK.has(open.tag) || open.quote) out.soft();
  };

  let i = 0;
  let textStart = 0; // text since the last tag, flushed when the next real tag starts
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    const next = html[lt + 1] ?? '';
    const isEnd = next === '/';
    let nameMatch: RegExpExecArray | null = null;
    if (next !== '!' && next !== '?') {
      TAG_NAME.lastIndex = lt + (isEnd ? 2 : 1);
      nameMatch = TAG_NAME.exec(html);
      if (!nameMatch) {
        i = lt + 1; // a literal "<": stays in the text run
        continue;
      }
    }
    if (lt > textStart) text(html.slice(textStart, lt));
    i = lt;
    if (!nameMatch) {
      // Comment, doctype, CDATA, processing instruction, Outlook's <![if …]>.
      const comment = html.startsWith('<!--', i);
      const end = comment ? html.indexOf('-->', i + 4) : html.indexOf('>', i);
      i = end < 0 ? html.length : end + (comment ? 3 : 1);
      textStart = i;
      continue;
    }
    const tag = nameMatch[0].toLowerCase();
    // Find the end of the tag, skipping quoted attribute values.
    let j = i + (isEnd ? 2 : 1) + nameMatch[0].length;
    let quote: string | null = null;
    for (; j < html.length; j++) {
      const ch = html[j];
      if (quote) {
        if (ch === quote) quote = null;
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '>') break;
    }
    const attrSource = html.slice(i + (isEnd ? 2 : 1) + nameMatch[0].length, j);
    i = j + 1;
    textStart = i;

    if (isEnd) {
      for (let k = stack.length - 1; k >= 0 && k >= stack.length - END_TAG_SEARCH; k--) {
        if (stack[k]!.tag !== tag) continue;
        while (stack.length > k) close(stack.pop()!);
        break;
      }
      if (tag === 'br') out.hard(depth()); // "</br>" is a <br> to browsers
      continue;
    }

    if (SKIP_CONTENT.has(tag) && !attrSource.trimEnd().endsWith('/') && !unclosed.has(tag)) {
      const end = lower.indexOf(`</${tag}`, i);
      // Unclosed: show the content rather than lose the rest of the body (and never search again).
      if (end < 0) unclosed.add(tag);
      else {
        i = lower.indexOf('>', end) + 1 || html.length;
        textStart = i;
        continue;
      }
    }

    const attrs = parseAttributes(attrSource);
    const isHistory = HISTORY_IDS.has(attrs.id) || attrs.classes.some((c) => HISTORY_CLASSES.has(c));
    if (isHistory && !history) {
      out.soft();
      history = true;
    }
    if (tag === 'br') {
      out.hard(depth());
      continue;
    }
    if (tag === 'hr') {
      out.rule(depth());
      continue;
    }
    if (VOID.has(tag)) continue;

    if (SELF_CLOSING_SIBLINGS.has(tag)) {
      const top = stack[stack.length - 1];
      if (top && top.tag === tag) close(stack.pop()!);
    }
    const open: Open = {
      tag,
      // Outlook's MsoNormal paragraphs have no margins: they are lines, not paragraphs.
      paragraph: PARAGRAPH.has(tag) && !attrs.classes.includes('msonormal'),
      quote: tag === 'blockquote' || attrs.classes.some((c) => QUOTE_CLASSES.has(c)),
      signature:
        attrs.signatureBlock ||
        SIGNATURE_IDS.has(attrs.id) ||
        attrs.classes.some((c) => SIGNATURE_CLASSES.has(c)),
      pre: tag === 'pre',
    };
    if (open.quote) {
      out.soft();
      quoteDepth++;
    }
    if (open.signature) signatureDepth++;
    if (open.pre) preDepth++;
    if (open.paragraph) out.paragraph(depth());
    else if (BLOCK.has(tag)) out.soft();
    stack.push(open);
  }
  if (textStart < html.length) text(html.slice(textStart));
  while (stack.length > 0) close(stack.pop()!);
  out.soft();
  const { texts, depths, flags } = out.data;
  let end = texts.length;
  while (end > 0 && texts[end - 1] === '') end--;
  texts.length = end;
  depths.length = end;
  flags.length = end;
  return out.data;
}
