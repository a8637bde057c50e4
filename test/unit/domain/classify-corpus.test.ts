// Every file of ../shared/corpora/bounces classified as its folder says (BAD-INPUTS L-11…L-14), and
// what each bounce says about the original message and its recipients.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import PostalMime from 'postal-mime';
import { afterAll, describe, expect, it } from 'vitest';
import {
  classifyMessage,
  type BounceReport,
  type Classification,
  type ClassifyInput,
  type MessageKind,
} from '../../../server/domain/classify/index.ts';
import { readRawHeaders } from '../../../server/mail/parse.ts';
import { corporaDir, corpusAvailable } from '../../support/corpus-mail.ts';

const DIR = join(corporaDir(), 'bounces');
const HAVE = corpusAvailable(DIR, 'bounce / auto-reply / ARF corpus');

const FOLDERS: Record<string, MessageKind> = {
  arf: 'abuse-report',
  'auto-reply': 'auto-reply',
  bounce: 'bounce',
  'not-bounce': 'human',
};

type Expected = {
  ids: string[];
  recipients: [address: string, status: string | null][];
  outcome: BounceReport['outcome'];
};

// Read off each file by hand: the returned message's Message-ID where the bounce quotes or attaches
// it, and each failed recipient with the status the report gives (null where it gives none).
// prettier-ignore
const BOUNCES: Record<string, Expected> = {
  'lhost-amazonses-01.eml': { ids: ['000001321defbd2a-788e31c8-2be1-422f-a8d4-cf7765cc9ed7-000000@email.amazonses.com'], recipients: [['shironeko@example.co.jp', '5.0.0']], outcome: 'failed' },
  'lhost-courier-01.eml': { ids: [], recipients: [['kijitora@example.co.jp', '5.0.0']], outcome: 'failed' },
  'lhost-domino-01.eml': { ids: [], recipients: [['kijitora@example.jp', null]], outcome: 'failed' },
  'lhost-exchange2003-01.eml': { ids: [], recipients: [['kijitora@example.jp', null]], outcome: 'failed' },
  'lhost-exchange2007-01.eml': { ids: [], recipients: [['mikeneko@example.co.jp', '5.1.1']], outcome: 'failed' },
  'lhost-exim-01.eml': { ids: ['E1P1ce6-000Egt-GZ@e1.example.org'], recipients: [['kijitora@example.ed.jp', '5.7.0']], outcome: 'failed' },
  'lhost-exim-02.eml': { ids: ['E1X58pB-0004bW-2s@marutamachi.example.org'], recipients: [['kijitora@example.jp', '5.1.1'], ['sabatora@example.jp', '5.2.1']], outcome: 'failed' },
  'lhost-gmail-01.eml': { ids: ['D992C2C3-F175-4C4D-97E2-53A90E4E5BF5@gmail.com'], recipients: [['userunknown@example.jp', '5.1.1']], outcome: 'failed' },
  'lhost-gmail-03.eml': { ids: ['CBA48452-0888-4AAC-AA4E-0F54D382117F@gmail.com'], recipients: [['kijitora@example.co.jp', '5.7.0']], outcome: 'failed' },
  'lhost-googlegroups-01.eml': { ids: ['D0E3D626-1C96-4749-8101-62C0CE13B1D5@example.jp'], recipients: [['libsisimai@googlegroups.com', null]], outcome: 'failed' },
  'lhost-googleworkspace-01.eml': { ids: ['CAByYQsF5qdTf_h-1AAVPW0RgR1YN+LE=+0Uv9LpQ4aA_myPtCw@mail.gmail.com'], recipients: [['neko-nyaan-cat-meeting@google-groups.example.com', null]], outcome: 'failed' },
  'lhost-mailru-01.eml': { ids: ['8F3CE2D8-D60E-48C3-B9AF-BED628EE2CA5@mail.example.ru'], recipients: [['kijitora@example.jp', '5.1.1']], outcome: 'failed' },
  'lhost-office365-01.eml': { ids: ['FFFFFFFF.EEEEEEEE@example.ed.jp'], recipients: [['kijitora@example.com', '5.1.10']], outcome: 'failed' },
  'lhost-office365-02.eml': { ids: ['c302b7e8-9b97-40ef-90eb-313cc6c25133@NYAAAAN.example.org'], recipients: [['kijitora@example.onmicrosoft.com', '5.1.1']], outcome: 'failed' },
  'lhost-opensmtpd-01.eml': { ids: [], recipients: [['apdugoaidugoaidugoaeiudggadi@gmail.com', '5.1.1']], outcome: 'failed' },
  'lhost-outlook-01.eml': { ids: ['BLU436-SMTP6645ECA6E7FEFFE86D040BBA770@phx.gbl'], recipients: [['kijitora@example.jp', '5.2.2']], outcome: 'failed' },
  // Original-Recipient (what was sent) rather than the alias-expanded Final-Recipient r@p351355…
  'lhost-postfix-01.eml': { ids: [], recipients: [['kijitora@example.org', '5.1.1']], outcome: 'failed' },
  'lhost-postfix-02.eml': { ids: [], recipients: [['filtered@example.co.jp', '5.2.1'], ['userunknown@example.co.jp', '5.1.1']], outcome: 'failed' },
  'lhost-postfix-03.eml': { ids: ['20140701000000.000000000000@e1.example.ne.jp'], recipients: [['kijitora@example.net', '5.0.0']], outcome: 'failed' },
  'lhost-qmail-01.eml': { ids: ['000000000.9999999999999.JavaMail.postmaster@mailhub'], recipients: [['kijitora@example.ne.jp', '5.5.0']], outcome: 'failed' },
  'lhost-sendmail-01.eml': { ids: ['E1C50F1B-1C83-4820-BC36-AC6FBFBE8568@example.org'], recipients: [['userunknown@bouncehammer.jp', '5.1.1']], outcome: 'failed' },
  'lhost-sendmail-02.eml': { ids: ['C6625D0F-A302-4980-BEAB-2AF883EA0116@example.jp'], recipients: [['userunknown@example.org', '5.1.1'], ['filtered@example.com', '5.2.1']], outcome: 'failed' },
  'lhost-yahoo-01.eml': { ids: ['6AE6249A-E7A8-4980-862C-F499F6B8E7C5@y.example.co.jp'], recipients: [['kijitora@example.org', '5.1.1']], outcome: 'failed' },
  'lhost-zoho-01.eml': { ids: ['14a3e1b4b5a.10b1a4c5610175.8588386083425091336@zoho.example.com'], recipients: [['kijitora@example.co.jp', '5.1.1']], outcome: 'failed' },
  'rfc3464-01.eml': { ids: ['E1C50F1B-1C83-4820-BC36-AC6FBFBE8568@example.org'], recipients: [['userunknown@bouncehammer.jp', '5.1.1']], outcome: 'failed' },
  'rfc3464-03.eml': { ids: ['220000000022.0000.0000000000000000222@NEKO.NYAAN'], recipients: [['kijitora@example.com', '5.0.0']], outcome: 'failed' },
  // -04 and -06 are multipart/report without any boundary line: read from the raw body.
  'rfc3464-04.eml': { ids: ['00000000000.000000@mx4.example.co.jp'], recipients: [['kijitora@mailx-53.neko.example.edu', '5.5.0']], outcome: 'failed' },
  'rfc3464-06.eml': { ids: ['0000000000.0000000@mail.example.com'], recipients: [['kijitora@example.net', '5.5.0']], outcome: 'failed' },
  'rfc3464-07.eml': { ids: ['000000000000000@list.example.jp'], recipients: [['kijitora@example.net', '4.4.0']], outcome: 'delayed' },
  // The closing boundary is misspelt, so the text/rfc822-headers part is swallowed by the DSN part.
  'rhost-google-01.eml': { ids: ['201305110000000000000.r4B003v000000@mail4.example.co.jp'], recipients: [['shironeko@example.ne.jp', '5.2.1']], outcome: 'failed' },
  'rhost-microsoft-01.eml': { ids: ['00000000000000000000000000000000000000000000000@example.net'], recipients: [['kijitora@example.com', '5.7.606']], outcome: 'failed' },
};

/** Parses a corpus file the way the server does (postal-mime + raw header reader). */
async function load(path: string): Promise<ClassifyInput> {
  const raw = readFileSync(path);
  const email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  return {
    headers: readRawHeaders(raw),
    from: { name: email.from?.name || null, address: (email.from?.address ?? '').toLowerCase() },
    subject: email.subject ?? '',
    text: email.text ?? '',
    attachments: email.attachments.map((a) => ({
      contentType: a.mimeType,
      filename: a.filename,
      content: Buffer.from(a.content as ArrayBuffer),
    })),
    raw,
  };
}

const files = HAVE
  ? Object.keys(FOLDERS).flatMap((folder) =>
      readdirSync(join(DIR, folder))
        .filter((name) => name.endsWith('.eml'))
        .sort()
        .map((name) => ({ folder, name })),
    )
  : [];

const score = new Map<
  string,
  { files: number; right: number; ids: number; idsWanted: number; statuses: number; statusesWanted: number }
>();

describe.skipIf(!HAVE)('bounces corpus: every file classified as its folder says', () => {
  afterAll(() => {
    for (const [folder, s] of score) {
      const extra =
        folder === 'bounce'
          ? `; original Message-ID ${s.ids}/${s.idsWanted}; recipient status ${s.statuses}/${s.statusesWanted}`
          : '';
      console.log(`[classify corpus] ${folder}: ${s.right}/${s.files} → ${FOLDERS[folder]}${extra}`);
    }
  });

  it('covers every bounce file with an expectation', () => {
    const bounceFiles = files.filter((f) => f.folder === 'bounce').map((f) => f.name);
    expect(bounceFiles.sort()).toEqual(Object.keys(BOUNCES).sort());
  });

  it.each(files)('$folder/$name', async ({ folder, name }) => {
    const c: Classification = classifyMessage(await load(join(DIR, folder, name)));
    const s = score.get(folder) ?? {
      files: 0,
      right: 0,
      ids: 0,
      idsWanted: 0,
      statuses: 0,
      statusesWanted: 0,
    };
    score.set(folder, s);
    s.files++;
    if (c.kind === FOLDERS[folder]) s.right++;
    const expected = BOUNCES[name];
    if (folder === 'bounce' && expected && c.bounce) {
      if (expected.ids.length > 0) s.idsWanted++;
      if (expected.ids.length > 0 && expected.ids.every((id) => c.bounce?.originalMessageIds.includes(id)))
        s.ids++;
      for (const [address, status] of expected.recipients) {
        if (status === null) continue;
        s.statusesWanted++;
        if (c.bounce.recipients.some((r) => r.address === address && r.status === status)) s.statuses++;
      }
    }

    expect(c.kind, c.reason).toBe(FOLDERS[folder]);
    expect(c.suppressAutoAck).toBe(folder !== 'not-bounce');
    if (folder === 'bounce') {
      expect(c.bounce).toBeDefined();
      expect(c.bounce?.originalMessageIds).toEqual(expected?.ids);
      expect(c.bounce?.recipients.map((r) => [r.address, r.status])).toEqual(expected?.recipients);
      expect(c.bounce?.outcome).toBe(expected?.outcome);
    }
    // rfc3834-03 is the subject-only "Auto reply:" case: a guess, not a certainty (L-07).
    if (folder === 'auto-reply') expect(c.probable).toBe(name === 'rfc3834-03.eml');
  });
});
