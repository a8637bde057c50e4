import { describe, expect, it } from 'vitest';
import { parseReleaseSource } from '../../../server/releases/parse-sources.ts';
import { canonicalizeUrl } from '../../../server/domain/text-normalize.ts';

const govukPage = `<!DOCTYPE html>
<html lang="en">
<head>
  <title>Minister welcomes harbour reopening - GOV.UK</title>
  <meta name="govuk:first-published-at" content="2026-03-14T09:30:00+00:00">
  <meta property="og:title" content="Minister welcomes harbour reopening">
  <link rel="canonical" href="https://www.gov.uk/government/news/minister-welcomes-harbour-reopening">
  <script>window.tracking = true;</script>
</head>
<body>
  <nav>Home | Departments</nav>
  <main>
    <h1>Minister welcomes harbour reopening</h1>
    <div class="govspeak">
      <p>The Minister for the Region said the reopening of the harbour at Port Elin would bring &pound;12m of trade a year.</p>
      <h2>Background</h2>
      <ul><li>Work began in 2024.</li><li>It employed 300 people.</li></ul>
      <table><tr><th>Year</th><th>Ships</th></tr><tr><td>2025</td><td>1,200</td></tr></table>
    </div>
  </main>
</body>
</html>`;

describe('release sources', () => {
  it('reads a GOV.UK-style page: canonical url, og title, first-published date, govspeak body', () => {
    const { kind, releases } = parseReleaseSource(govukPage, 'page.html');
    expect(kind).toBe('html');
    expect(releases).toHaveLength(1);
    const [release] = releases;
    expect(release).toMatchObject({
      url: 'https://www.gov.uk/government/news/minister-welcomes-harbour-reopening',
      title: 'Minister welcomes harbour reopening',
      language: 'en',
      published_at: '2026-03-14T09:30:00.000Z',
      translation_of: null,
    });
    expect(release!.body).toContain(
      'would bring £12m of trade a year.\n\nBackground\n\n• Work began in 2024.\n\n• It employed 300 people.',
    );
    expect(release!.body).toContain('Year | Ships');
    expect(release!.body).not.toMatch(/tracking|Departments/);
  });

  it('takes a locale-suffixed page as the translation of the unsuffixed one', () => {
    const arabic = govukPage
      .replace('lang="en"', 'lang="ar"')
      .replace('minister-welcomes-harbour-reopening"', 'minister-welcomes-harbour-reopening.ar"')
      .replace(/Minister welcomes harbour reopening/g, 'الوزير يرحب بإعادة فتح الميناء');
    const [release] = parseReleaseSource(arabic, 'page.ar.html').releases;
    expect(release).toMatchObject({
      language: 'ar',
      title: 'الوزير يرحب بإعادة فتح الميناء',
      translation_of: 'https://www.gov.uk/government/news/minister-welcomes-harbour-reopening',
    });
  });

  it('reads an Atom feed, one release per entry', () => {
    const atom = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>Press releases</title>
  <entry>
    <title>Aid package announced</title>
    <link rel="alternate" type="text/html" href="https://example.gov/news/aid-package"/>
    <updated>2026-02-01T10:00:00Z</updated>
    <summary type="html">&lt;p&gt;A &lt;b&gt;£5m&lt;/b&gt; package.&lt;/p&gt;</summary>
  </entry>
  <entry>
    <title>Envoy visits Amman</title>
    <link rel="alternate" type="text/html" href="https://example.gov/news/envoy-amman"/>
    <updated>2026-02-02T10:00:00Z</updated>
    <summary>The envoy met ministers.</summary>
  </entry>
</feed>`;
    const { kind, releases } = parseReleaseSource(atom, 'feed.atom');
    expect(kind).toBe('feed');
    expect(releases.map((r) => [r.url, r.title, r.published_at, r.body, r.language])).toEqual([
      [
        'https://example.gov/news/aid-package',
        'Aid package announced',
        '2026-02-01T10:00:00.000Z',
        'A £5m package.',
        'en',
      ],
      [
        'https://example.gov/news/envoy-amman',
        'Envoy visits Amman',
        '2026-02-02T10:00:00.000Z',
        'The envoy met ministers.',
        'en',
      ],
    ]);
  });

  it('reads an RSS feed and guesses Arabic when the feed declares no language', () => {
    const rss = `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>
      <item><title>بيان حول المساعدات</title><link>https://example.gov/news/aid.ar</link>
      <pubDate>Mon, 02 Feb 2026 10:00:00 GMT</pubDate><description>أعلنت الحكومة عن حزمة مساعدات.</description></item>
    </channel></rss>`;
    const [release] = parseReleaseSource(rss, 'feed.rss').releases;
    expect(release).toMatchObject({
      title: 'بيان حول المساعدات',
      language: 'ar',
      published_at: '2026-02-02T10:00:00.000Z',
    });
  });

  it('reads plain text: a label line, then the headline, the body and a "Published" line', () => {
    const text =
      'Press release\r\n\r\nHarbour reopens\r\n\r\nFirst paragraph.\r\n\r\nPublished 14 March 2026\r\n';
    const [release] = parseReleaseSource(text, 'r.txt', { url: 'https://example.gov/news/harbour' }).releases;
    expect(release).toMatchObject({
      title: 'Harbour reopens',
      body: 'First paragraph.\n\nPublished 14 March 2026',
      language: 'en',
    });
    expect(new Date(release!.published_at).getUTCDate()).toBe(14);
    expect(() => parseReleaseSource(text, 'r.txt')).toThrow(/--url/);
  });

  it('rejects a JSON release with a missing field, naming the item and field', () => {
    expect(() =>
      parseReleaseSource('[{"url":"https://x.test/a","title":"t","language":"en","body":""}]', 'cat.json'),
    ).toThrow(/cat\.json\[0\]: "published_at" is missing/);
  });

  it('gives one URL key to the forms a link takes in mail', () => {
    const key = canonicalizeUrl('https://www.gov.uk/government/news/a-b');
    for (const form of [
      'http://www.gov.uk/government/news/a-b/',
      'https://gov.uk/government/news/a-b?utm_source=email&utm_campaign=x',
      'https://WWW.GOV.UK/government/news/a-b#section',
    ]) {
      expect(canonicalizeUrl(form), form).toBe(key);
    }
    expect(canonicalizeUrl('https://www.gov.uk/government/news/a-b.ar')).not.toBe(key);
  });
});
