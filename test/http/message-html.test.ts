import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { imageServerFetcher, PNG_1X1, startImageServer, type ImageServer } from '../support/image-server.ts';

// A 1×1 PNG, as mail clients embed logos (multipart/related with a Content-ID).
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

function htmlMail(id: string, from: string, html: string, extraParts: string[] = []): string {
  const b = `rel-${id}`;
  return [
    `From: Sender <${from}>`,
    'To: newsdesk@newsdesk.test',
    `Subject: HTML ${id}`,
    `Message-ID: <${id}@paper.test>`,
    'Date: Sun, 22 Nov 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
    `Content-Type: multipart/related; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/html; charset=utf-8',
    '',
    html,
    ...extraParts.flatMap((p) => [`--${b}`, p]),
    `--${b}--`,
    '',
  ].join('\r\n');
}

const logoPart = [
  'Content-Type: image/png',
  'Content-ID: <logo@paper.test>',
  'Content-Transfer-Encoding: base64',
  '',
  PNG_BASE64,
].join('\r\n');
const svgPart = [
  'Content-Type: image/svg+xml',
  'Content-ID: <vector@paper.test>',
  '',
  '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
].join('\r\n');

describe('GET /api/messages/:id/html', () => {
  let t: TestApp;
  let cookie: string;
  let images: ImageServer;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    // The mail's image hosts: names resolved to a loopback server only this test's fetcher may reach.
    images = await startImageServer();
    images.on('/p.gif', (res) => res.writeHead(200, { 'Content-Type': 'image/png' }).end(PNG_1X1));
    images.on('/to-metadata', (res) =>
      res.writeHead(302, { Location: 'http://169.254.169.254/latest/meta-data/' }).end(),
    );
    images.on('/page.png', (res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<p>hi</p>'));
    t = await startTestApp({
      listen: false,
      fetchImage: imageServerFetcher(images, { 'tracker.example': '127.0.0.1' }),
    });
    cookie = await t.login();
    await t.ingestRaw(
      htmlMail(
        'tracked',
        'ann@paper.test',
        `<p onclick="alert(1)">Hello <img src="http://tracker.example:${images.port}/p.gif"> <img src="http://tracker.example:${images.port}/to-metadata"> <img src="http://tracker.example:${images.port}/page.png"> <img src="cid:logo@paper.test" alt="logo"> <img src="cid:vector@paper.test" alt="vector"></p><script>alert(1)</script>`,
        [logoPart, svgPart],
      ),
    );
    // Another sender's mail pointing at the first message's logo by its Content-ID.
    await t.ingestRaw(
      htmlMail('thief', 'eve@other.test', '<p>Borrowed <img src="cid:logo@paper.test" alt="borrowed"></p>'),
    );
    await t.ingestRaw(
      [
        'From: Bo <bo@paper.test>',
        'To: newsdesk@newsdesk.test',
        'Subject: Plain',
        'Message-ID: <plain@paper.test>',
        'Date: Sun, 22 Nov 2026 11:00:00 +0000',
        '',
        'Just text.',
        '',
      ].join('\r\n'),
    );
    const list = (await t.app.inject({ url: '/api/threads', headers: { cookie } })).json().threads as {
      id: number;
      subject: string;
    }[];
    for (const th of list) {
      const detail = (await t.app.inject({ url: `/api/threads/${th.id}`, headers: { cookie } })).json();
      ids[th.subject] = detail.messages[0].id;
    }
  });
  afterAll(async () => {
    await t.close();
    await images.close();
  });

  it('needs a staff session', async () => {
    const id = ids['HTML tracked'];
    expect((await t.app.inject({ url: `/api/messages/${id}/html` })).statusCode).toBe(401);
    expect((await t.app.inject({ url: `/api/messages/${id}/html-info` })).statusCode).toBe(401);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/image-senders',
          payload: { address: 'ann@paper.test' },
        })
      ).statusCode,
    ).toBe(401);
  });

  it('serves sanitised HTML with a strict CSP, framable only by the app, remote images blocked', async () => {
    const res = await t.app.inject({ url: `/api/messages/${ids['HTML tracked']}/html`, headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'unsafe-inline'");
    expect(csp).toMatch(/img-src data:(;|$)/);
    expect(csp).toContain('sandbox');
    expect(csp).not.toMatch(/script-src|allow-scripts|allow-forms|allow-top-navigation/);
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toContain('Hello');
    expect(res.body).not.toMatch(/<script|onclick|alert|tracker\.example/);
    // cid: points at this message's own PNG, inlined; the SVG part is never shown inline.
    expect(res.body).toContain(`src="data:image/png;base64,${PNG_BASE64}"`);
    expect(res.body).not.toContain('image/svg+xml');
    expect(res.body).toContain('[vector]');

    const info = (
      await t.app.inject({ url: `/api/messages/${ids['HTML tracked']}/html-info`, headers: { cookie } })
    ).json();
    expect(info).toEqual({
      hasHtml: true,
      renderable: true,
      remoteBlocked: 3,
      imagesAllowed: false,
      imagesInlined: 0,
      imagesDropped: 0,
      sender: 'ann@paper.test',
    });
    expect(images.requests).toEqual([]);
  });

  it('once staff allow the sender, fetches its remote images itself and inlines them; blocks them again', async () => {
    const url = `/api/messages/${ids['HTML tracked']}/html`;
    const info = `/api/messages/${ids['HTML tracked']}/html-info`;
    const allow = await t.app.inject({
      method: 'POST',
      url: '/api/image-senders',
      headers: { cookie },
      payload: { address: 'ANN@paper.test' },
    });
    expect(allow.statusCode).toBe(204);
    const shown = await t.app.inject({ url, headers: { cookie, 'user-agent': 'OfficerBrowser/1.0' } });
    // The pixel is the server's own copy: the browser's CSP still allows data: images only.
    expect(shown.body).not.toContain('tracker.example');
    expect(shown.body.split(`src="data:image/png;base64,${PNG_1X1.toString('base64')}"`)).toHaveLength(3);
    expect(String(shown.headers['content-security-policy'])).toMatch(/img-src data:(;|$)/);
    expect(String(shown.headers['content-security-policy'])).not.toMatch(/https?:/);
    // A redirect into the cloud metadata address and an HTML page posing as an image are not shown.
    expect((await t.app.inject({ url: info, headers: { cookie } })).json()).toMatchObject({
      imagesAllowed: true,
      imagesInlined: 1,
      imagesDropped: 2,
    });
    // Each image was asked for once (the info and a second view use the cache), without the
    // officer's cookie, browser or address.
    await t.app.inject({ url, headers: { cookie } });
    expect(images.requests.map((r) => r.path).sort()).toEqual(['/p.gif', '/page.png', '/to-metadata']);
    for (const r of images.requests) {
      expect(r.headers.cookie).toBeUndefined();
      expect(r.headers.referer).toBeUndefined();
      expect(r.headers['user-agent']).not.toContain('OfficerBrowser');
      expect(r.headers['x-forwarded-for']).toBeUndefined();
    }
    const block = await t.app.inject({
      method: 'DELETE',
      url: '/api/image-senders',
      headers: { cookie },
      payload: { address: 'ann@paper.test' },
    });
    expect(block.statusCode).toBe(204);
    expect((await t.app.inject({ url, headers: { cookie } })).body).not.toContain('tracker.example');
  });

  it("resolves cid: only within the message itself, never another message's part (H-18)", async () => {
    const res = await t.app.inject({ url: `/api/messages/${ids['HTML thief']}/html`, headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Borrowed');
    expect(res.body).not.toContain('data:image/png');
    expect(res.body).toContain('[borrowed]');
  });

  it('answers 404 for a message without HTML and for one that does not exist', async () => {
    expect(
      (await t.app.inject({ url: `/api/messages/${ids.Plain}/html`, headers: { cookie } })).statusCode,
    ).toBe(404);
    expect(
      (await t.app.inject({ url: `/api/messages/${ids.Plain}/html-info`, headers: { cookie } })).json()
        .hasHtml,
    ).toBe(false);
    expect((await t.app.inject({ url: '/api/messages/999999/html', headers: { cookie } })).statusCode).toBe(
      404,
    );
  });

  it('gives each message its body split into new words and folded history, and says whether it has HTML', async () => {
    await t.ingestRaw(
      [
        'From: Cy <cy@paper.test>',
        'To: newsdesk@newsdesk.test',
        'Subject: Re: Plain',
        'Message-ID: <quoted@paper.test>',
        'In-Reply-To: <plain@paper.test>',
        'Date: Sun, 22 Nov 2026 12:00:00 +0000',
        '',
        'Thanks, that answers it.',
        '',
        'On Sun, 22 Nov 2026 at 11:00, Press Office <newsdesk@newsdesk.test> wrote:',
        '> Just text.',
        '> More text.',
        '',
      ].join('\r\n'),
    );
    const list = (await t.app.inject({ url: '/api/threads', headers: { cookie } })).json().threads as {
      id: number;
      subject: string;
    }[];
    const thread = list.find((x) => x.subject === 'Plain')!;
    const detail = (await t.app.inject({ url: `/api/threads/${thread.id}`, headers: { cookie } })).json();
    const reply = detail.messages.find((m: { messageId: string }) =>
      m.messageId.includes('quoted@paper.test'),
    );
    expect(reply.hasHtml).toBe(false);
    const kinds = reply.fragments.map((f: { kind: string }) => f.kind);
    expect(kinds[0]).toBe('new');
    expect(kinds).toContain('quoted');
    expect(reply.fragments[0].text).toContain('Thanks, that answers it.');
    expect(reply.fragments.map((f: { text: string }) => f.text).join('')).toContain('> More text.');
    const html = (
      await t.app.inject({
        url: `/api/threads/${list.find((x) => x.subject === 'HTML tracked')!.id}`,
        headers: { cookie },
      })
    ).json();
    expect(html.messages[0].hasHtml).toBe(true);
  });
});
