import { describe, expect, it } from 'vitest';
import { parseSimpleFormat, renderSimpleFormat } from '../../../server/domain/simple-format.ts';

const html = (s: string) => renderSimpleFormat(s).html;
const text = (s: string) => renderSimpleFormat(s).text;

describe('simple formatting', () => {
  it('bold, italic, paragraphs and line breaks, each block dir="auto"', () => {
    const out = renderSimpleFormat('Hello **world** and _you_\nsecond line\n\n\nNext');
    expect(out.html).toBe(
      '<p dir="auto">Hello <strong>world</strong> and <em>you</em><br>\nsecond line</p>\n<p dir="auto">Next</p>',
    );
    expect(out.text).toBe('Hello world and you\nsecond line\n\nNext\n');
  });

  it('bulleted and numbered lists; the text part uses "- " and numbers in order', () => {
    const out = renderSimpleFormat('Points:\n- one\n• **two**\n\n1. first\n1. second\n7. third');
    expect(out.html).toBe(
      [
        '<p dir="auto">Points:</p>',
        '<ul dir="auto">',
        '<li>one</li>',
        '<li><strong>two</strong></li>',
        '</ul>',
        '<ol dir="auto">',
        '<li>first</li>',
        '<li>second</li>',
        '<li>third</li>',
        '</ol>',
      ].join('\n'),
    );
    expect(out.text).toBe('Points:\n- one\n- two\n\n1. first\n2. second\n3. third\n');
  });

  it('Arabic and mixed Arabic/English round-trip, each paragraph finding its own direction', () => {
    const input =
      'شكراً على **سؤالك**.\n\n- الموعد _غداً_ at 10:00 GMT\n- see https://gov.test/ar\n\nThank you.';
    const out = renderSimpleFormat(input);
    expect(out.html).toBe(
      [
        '<p dir="auto">شكراً على <strong>سؤالك</strong>.</p>',
        '<ul dir="auto">',
        '<li>الموعد <em>غداً</em> at 10:00 GMT</li>',
        '<li>see <a href="https://gov.test/ar">https://gov.test/ar</a></li>',
        '</ul>',
        '<p dir="auto">Thank you.</p>',
      ].join('\n'),
    );
    expect(out.text).toBe(
      'شكراً على سؤالك.\n\n- الموعد غداً at 10:00 GMT\n- see https://gov.test/ar\n\nThank you.\n',
    );
    // Text without markers comes back exactly as written (bar the final newline).
    const plain = 'مرحباً Sam،\nالأرقام نهائية — final.\n\nسلام';
    expect(text(plain)).toBe(`${plain}\n`);
    expect(text(text(input))).toBe(text(input));
  });

  it('links bare URLs and email addresses, leaving sentence punctuation outside', () => {
    expect(html('See https://gov.test/a_b?x=1&y=2. Or (http://x.test/p_(q)) and mail press@gov.test.')).toBe(
      '<p dir="auto">See <a href="https://gov.test/a_b?x=1&amp;y=2">https://gov.test/a_b?x=1&amp;y=2</a>. ' +
        'Or (<a href="http://x.test/p_(q)">http://x.test/p_(q)</a>) and mail ' +
        '<a href="mailto:press@gov.test">press@gov.test</a>.</p>',
    );
    expect(html('انظر https://gov.test/ar، شكراً')).toContain(
      '<a href="https://gov.test/ar">https://gov.test/ar</a>،',
    );
    expect(html('not@an-address and @handle and x@y')).toBe(
      '<p dir="auto">not@an-address and @handle and x@y</p>',
    );
  });

  it('markers inside a URL stay part of it; markers around it format the link', () => {
    expect(html('https://x.test/a**b**c and https://x.test/_x_')).toBe(
      '<p dir="auto"><a href="https://x.test/a**b**c">https://x.test/a**b**c</a> and ' +
        '<a href="https://x.test/_x_">https://x.test/_x_</a></p>',
    );
    expect(html('**https://x.test/a** _https://y.test_')).toBe(
      '<p dir="auto"><strong><a href="https://x.test/a">https://x.test/a</a></strong> ' +
        '<em><a href="https://y.test">https://y.test</a></em></p>',
    );
    expect(text('**https://x.test/a**')).toBe('https://x.test/a\n');
  });

  it('escapes everything else: no tags, no attributes, no script URLs', () => {
    const hostile = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      'javascript:alert(1) JAVASCRIPT://x data:text/html,<b>',
      '"quoted" & \'single\'',
      '[link](javascript:alert(1))',
      '**<b onclick="x">**',
    ].join('\n');
    const out = html(hostile);
    expect(out).not.toMatch(/<(?!\/?(p|br|strong|em|a|ul|ol|li|blockquote)\b)/);
    expect(out).not.toMatch(/<script|<img|<b[ >]|onclick="/);
    // The only attributes are dir="auto" and hrefs that are http(s) or mailto.
    for (const [, name, value] of out.matchAll(/ ([a-z-]+)="([^"]*)"/g)) {
      if (name === 'dir') expect(value).toBe('auto');
      else {
        expect(name).toBe('href');
        expect(value).toMatch(/^(https?:\/\/|mailto:)/);
      }
    }
    expect(out).not.toContain('href="javascript');
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('&quot;quoted&quot; &amp; &#39;single&#39;');
    expect(out).toContain('<strong>&lt;b onclick=&quot;x&quot;&gt;</strong>');
    // The text part is the words as typed (it is never read as HTML).
    expect(text('<script>x</script>')).toBe('<script>x</script>\n');
  });

  it('unbalanced and odd markers stay as text, predictably', () => {
    expect(html('**open only')).toBe('<p dir="auto">**open only</p>');
    expect(html('close only**')).toBe('<p dir="auto">close only**</p>');
    expect(html('a ** b ** c')).toBe('<p dir="auto">a ** b ** c</p>');
    expect(html('****')).toBe('<p dir="auto">****</p>');
    expect(html('***x***')).toBe('<p dir="auto">***x***</p>');
    expect(html('snake_case_name and __init__')).toBe('<p dir="auto">snake_case_name and __init__</p>');
    expect(html('2 * 3 * 4')).toBe('<p dir="auto">2 * 3 * 4</p>');
    // Crossing spans: the inner opener gives way to the outer closer.
    expect(html('**a _b** c_')).toBe('<p dir="auto"><strong>a _b</strong> c_</p>');
    expect(html('**bold _both_**')).toBe('<p dir="auto"><strong>bold <em>both</em></strong></p>');
    // Markers never span lines.
    expect(html('**a\nb**')).toBe('<p dir="auto">**a<br>\nb**</p>');
    expect(text('**a _b** c_')).toBe('a _b c_\n');
  });

  it('the quoted original stays a blockquote in HTML and "> " lines in text, never formatted', () => {
    const input = 'Yes.\n\nOn Mon, Sam <sam@paper.test> wrote:\n> Is it **final**?\n>> <b>earlier</b>\n>';
    const out = renderSimpleFormat(input);
    expect(out.html).toBe(
      '<p dir="auto">Yes.</p>\n' +
        '<p dir="auto">On Mon, Sam &lt;<a href="mailto:sam@paper.test">sam@paper.test</a>&gt; wrote:</p>\n' +
        '<blockquote dir="auto">Is it **final**?<br>\n&gt; &lt;b&gt;earlier&lt;/b&gt;<br>\n</blockquote>',
    );
    expect(out.text).toBe(`${input}\n`);
  });

  it('keeps the signature separator as written', () => {
    expect(text('Thanks\n\n-- \nAmal _Haddad_')).toBe('Thanks\n\n-- \nAmal Haddad\n');
  });

  it('drops control characters and normalises line endings', () => {
    expect(renderSimpleFormat('a\u0000b\r\nc\u001bd')).toEqual({
      html: '<p dir="auto">ab<br>\ncd</p>',
      text: 'ab\ncd\n',
    });
  });

  it('an empty reply is empty', () => {
    expect(renderSimpleFormat('  \n\n')).toEqual({ html: '', text: '\n' });
    expect(parseSimpleFormat('')).toEqual([]);
  });

  it('hostile sizes take linear time: 10,000 nested markers, long runs, many @ and brackets', () => {
    const cases = [
      `${'**_'.repeat(10_000)}x${'_**'.repeat(10_000)}`,
      '**'.repeat(20_000),
      '_a '.repeat(20_000),
      `${'a'.repeat(100_000)}@`,
      'a@'.repeat(50_000),
      `https://x.test/${')'.repeat(50_000)}`,
      `**https://x.test/${'*'.repeat(50_000)}`,
      'http://'.repeat(20_000),
      `${'- '.repeat(10_000)}\n`.repeat(5),
    ];
    for (const input of cases) {
      const started = performance.now();
      const out = renderSimpleFormat(input);
      expect(performance.now() - started, input.slice(0, 20)).toBeLessThan(2000);
      expect(out.html.length).toBeGreaterThan(0);
    }
    // Nesting never goes deeper than bold and italic, whatever the input.
    const nested = html(`${'**_'.repeat(10_000)}x${'_**'.repeat(10_000)}`);
    expect(nested).not.toMatch(/<strong>[^<]*<strong>|<em>[^<]*<em>/);
  });
});
