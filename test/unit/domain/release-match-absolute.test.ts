// Similarity-only links need absolute evidence: a lead over the other releases is not enough when
// every release is unrelated and the best one merely shares an everyday word or two.
import { describe, expect, it } from 'vitest';
import {
  buildReleaseIndex,
  matchRelease,
  type CatalogueRelease,
  type EnquiryText,
} from '../../../server/domain/release-match/index.ts';
import { demoReleases } from '../../../server/cli/demo-releases.ts';
import { DEMO_ENQUIRIES } from '../../../server/cli/demo-enquiries.ts';

const now = new Date('2026-06-10T09:00:00Z');
const hoursAgo = (h: number): Date => new Date(now.getTime() - h * 3_600_000);

// A small, recent catalogue: none of it is about the harbour summit the enquiries below ask about.
const recent: CatalogueRelease[] = [
  {
    id: 1,
    url: 'https://www.example.gov/news/new-export-controls',
    title: 'New export controls on dual-use equipment',
    language: 'en',
    publishedAt: hoursAgo(30),
    body: 'The Foreign Secretary today announced export controls on dual-use equipment to protect regional stability. The controls take effect immediately.',
    familyId: 1,
  },
  {
    id: 2,
    url: 'https://www.example.gov/news/new-export-controls.ar',
    title: 'ضوابط جديدة على تصدير المعدات ذات الاستخدام المزدوج',
    language: 'ar',
    publishedAt: hoursAgo(30),
    body: 'أعلن وزير الخارجية اليوم ضوابط على تصدير المعدات ذات الاستخدام المزدوج لحماية الاستقرار في المنطقة. تدخل الضوابط حيز التنفيذ على الفور.',
    familyId: 1,
  },
  {
    id: 3,
    url: 'https://www.example.gov/news/ferry-service-suspended',
    title: 'Help for travellers after the ferry service was suspended',
    language: 'en',
    publishedAt: hoursAgo(50),
    body: 'Consular staff are helping travellers stranded after the ferry service to the islands was suspended. Anyone who needs help should call the 24-hour line.',
    familyId: 3,
  },
];

// The release the harbour enquiries are really about, published years earlier.
const oldSummit: CatalogueRelease = {
  id: 4,
  url: 'https://www.example.gov/news/harbour-security-summit-in-valletta',
  title: 'Harbour security summit meets in Valletta',
  language: 'en',
  publishedAt: new Date('2015-04-02T10:00:00Z'),
  body: 'Ministers of the Harbour Security Group met in Valletta with delegations from Malta, Tunisia and Cyprus. They agreed to widen joint patrols and to share cargo manifests. The next summit will be held in Tunis.',
  familyId: 4,
};

const enquiry = (subject: string, newText: string): EnquiryText => ({
  subject,
  newText,
  quotedText: '',
  date: now,
});

const harbourEnquiry = enquiry(
  'Harbour security summit in Valletta: request for comment',
  `Hello,\n\nI am writing about yesterday's harbour security summit in Valletta with Malta, Tunisia and Cyprus.\nCould someone explain what the joint patrols mean for the stabilisation effort?\n\nThanks,\nMarta Vell\nForeign desk, Harbour Courier`,
);

describe('similarity-only links need absolute evidence', () => {
  const index = buildReleaseIndex(recent);

  it('links no release when the only shared words are everyday ones (Arabic and English)', () => {
    const ar = matchRelease(
      index,
      enquiry(
        'رد: استفسار حول قمة أمن الموانئ',
        'للتذكير: نحتاج الرد قبل الساعة الخامسة مساء اليوم إن أمكن.',
      ),
    );
    expect(ar.releaseId).toBeNull();
    expect(ar.reason).toMatch(/^no release/);
    const en = matchRelease(
      index,
      enquiry('Re: summit', "Just checking you received this: I'm filing in an hour."),
    );
    expect(en.releaseId).toBeNull();
  });

  it('links no release when the release lacks the places the sender names, despite a word or two in common', () => {
    const r = matchRelease(index, harbourEnquiry);
    expect(r.releaseId).toBeNull();
    expect(r.confidence).toBeLessThan(0.5);
  });

  it('still links on one rare shared word when nothing speaks against it', () => {
    const r = matchRelease(
      index,
      enquiry(
        'Press enquiry',
        'Good morning,\n\nCould we record a short interview about the export controls?\n\nBest,\nPriya',
      ),
    );
    expect(r.releaseId).toBe(1);
  });

  it('does not prefer a recent release sharing a word or two over an old one that matches specifically', () => {
    const withOld = buildReleaseIndex([...recent, oldSummit]);
    const r = matchRelease(withOld, harbourEnquiry);
    expect(r.releaseId === null || r.releaseId === oldSummit.id).toBe(true);
    // The old release is the best guess offered to the press officer, not the recent one.
    expect(r.candidates[0]!.releaseId).toBe(oldSummit.id);
    expect(r.reason).toMatch(/valletta/);
  });
});

describe('the demo enquiries when the release they ask about is eleven years old', () => {
  // The demo's sample releases, the Brussels meeting at its original 2015 date: the recent sanctions
  // release shares only "foreign" or "اليوم" with the Brussels enquiries and must not take them.
  const demoNow = new Date('2026-11-29T12:00:00Z');
  const inputs = demoReleases(demoNow).map((r) =>
    r.url.includes('counter-daesh') ? { ...r, published_at: '2015-11-05T00:00:00Z' } : r,
  );
  const ids = new Map(inputs.map((r, i) => [r.url, i + 1]));
  const catalogue: CatalogueRelease[] = inputs.map((r, i) => ({
    id: i + 1,
    url: r.url,
    title: r.title,
    language: r.language,
    publishedAt: new Date(r.published_at),
    body: r.body,
    familyId: r.translation_of ? (ids.get(r.translation_of) ?? i + 1) : i + 1,
  }));
  const index = buildReleaseIndex(catalogue);
  const idOf = (part: string): number => catalogue.find((r) => r.url.endsWith(part))!.id;
  const match = (key: string) => {
    const e = DEMO_ENQUIRIES.find((x) => x.key === key)!;
    return matchRelease(index, { subject: e.subject, newText: e.text, quotedText: '', date: demoNow });
  };

  it('links the enquiries about recent releases', () => {
    expect(match('visa-en').releaseId).toBe(idOf('consular-support-after-airport-closure'));
    expect(match('visa-other').releaseId).toBe(idOf('new-sanctions-announced'));
  });

  it('links none of the Brussels enquiries to a recent release', () => {
    for (const key of ['brussels-en', 'brussels-ar', 'brussels-en-followup', 'brussels-ar-followup']) {
      const r = match(key);
      expect([null, idOf('meeting-in-brussels')], key).toContain(r.releaseId);
    }
    // The best guess offered for the English one is the Brussels release, not the sanctions one.
    expect(match('brussels-en').candidates[0]!.releaseId).toBe(idOf('meeting-in-brussels'));
  });
});
