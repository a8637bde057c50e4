import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'htmlparser2';
import type { ChildNode, Element } from 'domhandler';
import { describe, expect, it } from 'vitest';
import { sanitizeMailHtml, type SanitizeOptions } from '../../../server/domain/html-sanitize.ts';
import { corporaDir, corpusAvailable } from '../../support/corpus-mail.ts';

const blocked: SanitizeOptions = { allowRemoteImages: false };
const clean = (html: string, options: SanitizeOptions = blocked): string =>
  sanitizeMailHtml(html, options).html ?? '';

const ALLOWED_ELEMENTS = new Set([
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
  'style',
]);

function elements(html: string): Element[] {
  const out: Element[] = [];
  const stack: ChildNode[] = [...parseDocument(html).children];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.type === 'tag' || node.type === 'script' || node.type === 'style') {
      out.push(node);
      stack.push(...node.children);
    }
  }
  return out;
}

/** The properties every sanitised output must have, whatever the input (BAD-INPUTS H-01…H-16). */
function assertInert(output: string, label: string): void {
  for (const el of elements(output)) {
    expect(ALLOWED_ELEMENTS.has(el.name), `${label}: element <${el.name}>`).toBe(true);
    for (const [name, value] of Object.entries(el.attribs)) {
      expect(name.startsWith('on'), `${label}: attribute ${name}`).toBe(false);
      if (name === 'href') expect(value, `${label}: href`).toMatch(/^(https?:|mailto:)/i);
      if (name === 'src' || name === 'background')
        expect(value, `${label}: ${name}`).toMatch(/^data:image\/(png|gif|jpe?g|webp|bmp);base64,/i);
      if (['href', 'src', 'background', 'style'].includes(name))
        expect(value, `${label}: ${name}`).not.toMatch(/javascript:|vbscript:|data:text\/html/i);
    }
    if (el.name === 'style') {
      const css = el.children.map((c) => (c.type === 'text' ? c.data : '')).join('');
      expect(css, `${label}: stylesheet`).not.toMatch(/url\(|@import|expression|@font-face|<\/style/i);
    }
    const style = el.attribs.style ?? '';
    expect(style, `${label}: style`).not.toMatch(
      /url\(|expression|behavior|binding|image-set|position:\s*fixed/i,
    );
  }
}

describe('sanitizeMailHtml', () => {
  it('keeps ordinary mail formatting and text', () => {
    const out = clean(
      '<p dir="rtl" style="color: red; font-weight: bold">مرحبا <b>world</b></p><table border="1"><tr><td colspan="2">x</td></tr></table>',
    );
    expect(out).toContain('<p dir="rtl" style="color: red; font-weight: bold">مرحبا <b>world</b></p>');
    expect(out).toContain('<td colspan="2">x</td>');
  });

  it.each([
    ['script', '<script>alert(1)</script><p>hi</p>'],
    ['event handler', '<img src=x onerror=alert(1)><div onclick="alert(1)">x</div>'],
    ['svg onload namespace trick (H-02)', '<svg xmlns="&quot; onload=&quot;alert(1)"><rect/></svg>'],
    ['javascript href', '<a href="javascript:alert(1)">x</a><a href="JaVaScRiPt:alert(1)">y</a>'],
    [
      'entity-obfuscated javascript (H-07)',
      '<a href="j&#x61vascript:alert(1)">x</a><a href="&#x6a avascript:alert(1)">y</a><a href="&#10;javascript:alert(1)">z</a>',
    ],
    [
      'vbscript and data html',
      '<a href="vbscript:x">a</a><a href="data:text/html,<script>alert(1)</script>">b</a>',
    ],
    ['base (H-06)', '<base href="javascript:alert(1)//"><a href="/x">rel</a>'],
    [
      'meta refresh and link (H-12)',
      '<meta http-equiv="refresh" content="0;url=https://evil.example"><link rel=stylesheet href=https://evil.example/s.css>',
    ],
    [
      'iframe object embed applet portal',
      '<iframe src="https://evil.example"></iframe><object data="x"></object><embed src="x"><applet code="x"></applet><portal src="https://evil.example"></portal>',
    ],
    [
      'forms (H-11)',
      '<form action="https://evil.example"><input type="password" name="p"><button formaction="javascript:alert(1)">go</button><input type=image src="https://t.example/p.gif"></form>',
    ],
    [
      'animate and set (H-03)',
      '<svg><animate attributeName="href " values="javascript:alert(1)"/><set attributeName="xlink:href" to="javascript:alert(1)"/></svg>',
    ],
    [
      'mathml href (H-05)',
      '<math href="javascript:alert(1)"><mstyle href="javascript:alert(1)">x</mstyle></math>',
    ],
    [
      'raw-text tricks (H-09)',
      '<textarea><img src=x onerror=alert(1)></textarea><title></title><img src=x onerror=alert(1)></title><noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    ],
    ['style breakout (H-14)', "<style>body{content:'</style><img src onerror=alert(1)>'}</style>"],
    ['CDATA', '<svg><![CDATA[><image xlink:href="]]><img src=x onerror=alert(2)//"></svg>'],
    [
      'css expression and url obfuscation (H-13)',
      '<div style="width: expression(alert(1)); background: u\\72 l(https://evil.example/x)">x</div><div style="background-image: var(--x, url(https://evil.example/y))">y</div>',
    ],
    [
      'css comments inside properties',
      '<div style="position/**/: fixed; z-index: 2147483647; top: 0">overlay</div><div style="position:fixed !important">o</div>',
    ],
    [
      '@import and @font-face',
      '<style>@import url(https://evil.example/a.css); @font-face { font-family: x; src: url(https://evil.example/f.woff) } p { color: red }</style><p>x</p>',
    ],
    [
      'remote images (H-16)',
      '<img src="https://t.example/a.gif" srcset="https://t.example/b.gif 2x"><picture><source srcset="https://t.example/c.gif"></picture><video poster="https://t.example/d.gif"><source src="https://t.example/e.mp4"></video><audio src="https://t.example/f.mp3"></audio><table background="https://t.example/g.gif"><tr><td background="https://t.example/h.gif">x</td></tr></table><div style="background: url(https://t.example/i.gif); list-style: url(https://t.example/j.gif); border-image: url(https://t.example/k.gif) 30">y</div>',
    ],
    ['protocol-relative image', '<img src="//t.example/a.gif">'],
    [
      'body attributes (H-08, rc-139)',
      '<body onload="alert(1)" background="https://t.example/bg.gif"><p>x</p></body>',
    ],
    [
      'svg image and feImage',
      '<svg><image href="https://t.example/a.png"/><filter><feImage href="https://t.example/b.png"/></filter><use href="https://t.example/c.svg#x"/></svg>',
    ],
    [
      'data svg image (H-19)',
      '<img src="data:image/svg+xml,<svg onload=alert(1)>"><img src="data:image/png,x);background:url(https://t.example/z)">',
    ],
    [
      'DOM clobbering (H-20)',
      '<img name="createElement" src="data:image/png;base64,AAAA"><form id="location"></form><a id="x" name="y" href="https://ok.example">ok</a>',
    ],
    [
      'link ping and target (H-27)',
      '<a href="https://bank.example" target="_top" ping="https://t.example/p">bank</a>',
    ],
  ])('neutralises %s', (_label, input) => {
    const out = clean(input);
    assertInert(out, _label);
    expect(out).not.toMatch(/alert|evil\.example/i);
  });

  it('counts what it blocked so the UI can say "N remote items blocked"', () => {
    const r = sanitizeMailHtml(
      '<img src="https://t.example/a.gif"><td background="http://t.example/b.gif"></td><div style="background:url(https://t.example/c.gif)"></div>',
      blocked,
    );
    expect(r.remoteBlocked).toBe(3);
  });

  it('shows remote images only when allowed, and never from private hosts (H-17)', () => {
    const allowed: SanitizeOptions = { allowRemoteImages: true };
    expect(clean('<img src="https://cdn.example.org/a.png">', allowed)).toContain(
      'src="https://cdn.example.org/a.png"',
    );
    for (const host of [
      '127.0.0.1',
      '169.254.169.254',
      '[::1]',
      '10.0.0.1.nip.io',
      '2130706433',
      'localhost',
      '0x7f000001',
      'intranet',
    ])
      expect(clean(`<img src="http://${host}/a.png">`, allowed), host).not.toContain('src=');
  });

  it("puts the server's own copy of an allowed remote image in its place, or drops it", () => {
    const gif = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
    const asked: string[] = [];
    const options: SanitizeOptions = {
      allowRemoteImages: true,
      resolveRemote: (url) => {
        asked.push(url);
        return url.endsWith('/a.gif') ? gif : null;
      },
    };
    const out = clean(
      '<img src="https://cdn.example.org/a.gif"><img src="//cdn.example.org/b.gif" alt="b">' +
        '<table background="https://cdn.example.org/a.gif"><tr><td style="background:url(https://cdn.example.org/a.gif)">x</td></tr></table>' +
        '<img src="http://127.0.0.1/c.gif" alt="c">',
      options,
    );
    expect(out).toContain(`<img src="${gif}">`);
    expect(out).toContain(`<table background="${gif}">`);
    expect(out).toContain(`style="background: url(&quot;${gif}&quot;)"`);
    expect(out).toContain('[b]');
    expect(out).not.toMatch(/https?:/);
    // Private hosts are dropped before anyone is asked to fetch them.
    expect(asked).toEqual([
      'https://cdn.example.org/a.gif',
      'https://cdn.example.org/b.gif',
      'https://cdn.example.org/a.gif',
      'https://cdn.example.org/a.gif',
    ]);
  });

  it('links open in a new tab without referrer or ping', () => {
    const out = clean('<a href="https://example.org/x" target="_top" ping="https://t.example">x</a>');
    expect(out).toBe('<a href="https://example.org/x" target="_blank" rel="noopener noreferrer">x</a>');
  });

  it("resolves cid: only through the given resolver (this message's own parts, H-18)", () => {
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    const options: SanitizeOptions = {
      allowRemoteImages: false,
      resolveCid: (id) => (id === 'logo@x' ? png : null),
    };
    expect(clean('<img src="cid:logo@x">', options)).toBe(`<img src="${png}">`);
    expect(clean('<img src="cid:other@x" alt="other">', options)).toBe('[other]');
  });

  it('keeps raster data: images and drops everything else data: (H-19)', () => {
    expect(clean('<img src="data:image/png;base64,iVBORw0KGgo=">')).toContain(
      'src="data:image/png;base64,iVBORw0KGgo="',
    );
    expect(clean('<img src="data:image/svg+xml;base64,PHN2Zz4=">')).not.toContain('src=');
  });

  it('is idempotent on its own output (H-02)', () => {
    const samples = [
      '<p style="color: red">a &amp; b &lt;c&gt;</p><a href="https://x.example/?a=1&b=2">l</a>',
      '<style>p { color: red } @media (max-width: 600px) { p { font-size: 12px } }</style><p>x</p>',
      '<svg xmlns="&quot; onload=&quot;alert(1)"></svg><b>t</b>',
    ];
    for (const s of samples) expect(clean(clean(s))).toBe(clean(s));
  });

  it('keeps styles from <style> and @media, drops other at-rules', () => {
    const out = clean(
      '<style>@charset "utf-8"; p.big { font-size: 20px } @keyframes k { from { color: red } } @media (max-width: 600px) { td { display: block } }</style><p class="big">x</p>',
    );
    expect(out).toContain('p.big { font-size: 20px }');
    expect(out).toContain('@media (max-width: 600px) { td { display: block } }');
    expect(out).not.toContain('keyframes');
  });

  it('stays within budget on hostile sizes (H-23)', () => {
    const started = performance.now();
    const deep = '<div>'.repeat(100_000) + 'x' + '</div>'.repeat(100_000);
    expect(sanitizeMailHtml(deep, blocked).html).toBeNull(); // too deep to parse: offered as a download
    const nested = '<div>'.repeat(3000) + 'x' + '</div>'.repeat(3000);
    expect(clean(nested)).toContain('x');
    const keyframes = '<style>' + '@keyframes a { from { color: red } } '.repeat(5000) + '</style>';
    clean(keyframes);
    const hugeAttr = `<p title="${'a'.repeat(10 * 1024 * 1024)}">x</p>`;
    expect(sanitizeMailHtml(hugeAttr, blocked).html).toBeNull(); // over the size limit: not rendered
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

const XSS = join(corporaDir(), 'xss');

describe.runIf(corpusAvailable(XSS, 'xss corpus'))('sanitizeMailHtml on the shared XSS corpus (H-01)', () => {
  it('leaves every Roundcube case inert', () => {
    const lines = readFileSync(join(XSS, 'roundcube/roundcube-washtml-cases.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean);
    expect(lines.length).toBeGreaterThan(100);
    for (const line of lines) {
      const c = JSON.parse(line) as { id: string; input: string };
      assertInert(clean(c.input), c.id);
    }
  });

  it('leaves every DOMPurify payload inert', () => {
    const cases = JSON.parse(readFileSync(join(XSS, 'dompurify/expect.json'), 'utf8')) as {
      payload: string;
    }[];
    expect(cases.length).toBeGreaterThan(200);
    cases.forEach((c, i) => assertInert(clean(c.payload), `dompurify #${i}`));
  });

  it('leaves every H5SC vector inert', () => {
    const items = JSON.parse(readFileSync(join(XSS, 'h5sc/items.json'), 'utf8')) as
      { items?: { id: unknown; payload: string }[] } | { id: unknown; payload: string }[];
    const list = Array.isArray(items) ? items : (items.items ?? []);
    expect(list.length).toBeGreaterThan(100);
    for (const item of list) assertInert(clean(item.payload), `h5sc ${String(item.id)}`);
    assertInert(clean(readFileSync(join(XSS, 'h5sc/vectors.txt'), 'utf8')), 'h5sc vectors.txt');
  });

  it('leaves the Roundcube source fixtures inert', () => {
    for (const f of [
      'htmlxss.txt',
      'BID-26800.txt',
      'htmlbase.txt',
      'htmlcom.txt',
      'htmlbody.txt',
      'invalidchars.html',
    ]) {
      assertInert(clean(readFileSync(join(XSS, 'roundcube/tests-src', f), 'latin1')), f);
    }
  });
});
