import { describe, expect, it } from 'vitest';
import { cueFactor, dateCue, isGenreStem } from '../../../server/domain/release-match/cues.ts';
import {
  buildReleaseIndex,
  matchRelease,
  type CatalogueRelease,
  type EnquiryText,
} from '../../../server/domain/release-match/index.ts';
import { normalizeForMatch, stemWord } from '../../../server/domain/text-normalize.ts';

describe('dateCue', () => {
  it('reads "yesterday" and "last night" in the languages enquiries come in', () => {
    for (const text of [
      'Following yesterday’s statement, a question',
      'the statement you published last night',
      'le communiqué publié hier soir',
      'die gestern veröffentlichte Erklärung',
      'el comunicado de ayer',
      'la dichiarazione di ieri',
      'dün yayımlanan açıklama',
      'البيان الذي نشرتموه أمس',
      'قرأنا التصريح يلي نشرتوه مبارح',
      'بيانكم البارحة',
      'shoft el bayan mbare7',
      'گزشتہ روز جاری بیان',
    ]) {
      expect(dateCue(text), text).toMatchObject({ from: -0.75, to: 3 });
    }
  });

  it('reads "last week" as a wider window', () => {
    for (const text of ['at the meeting last week', 'la semaine dernière', 'الأسبوع الماضي', 'geçen hafta']) {
      expect(dateCue(text), text).toMatchObject({ to: 14 });
    }
  });

  it('ignores "today" and "this week": they usually belong to deadlines', () => {
    for (const text of [
      'Could you reply by 5pm today?',
      'before the end of this week',
      'اليوم قبل الخامسة',
      '',
    ]) {
      expect(dateCue(text), text).toBeNull();
    }
  });

  it('keeps the word that set it, for the reason shown to staff', () => {
    expect(dateCue('the statement of yesterday')?.said).toBe('yesterday');
  });

  it('weighs a release by whether its date fits the cue', () => {
    const cue = dateCue('yesterday')!;
    expect(cueFactor(cue, 0.6)).toBe(1);
    expect(cueFactor(cue, -0.2)).toBe(1); // published a few hours "after" (time zones)
    expect(cueFactor(cue, 12)).toBeLessThan(1);
    expect(cueFactor(null, 400)).toBe(1);
  });
});

describe('isGenreStem', () => {
  it('knows the words every press enquiry uses, in several languages', () => {
    for (const w of [
      'newspaper',
      'journalist',
      'comment',
      'journaliste',
      'Zeitung',
      'جريدة',
      'صحفي',
      'رسمي',
    ]) {
      expect(isGenreStem(stemWord(normalizeForMatch(w))), w).toBe(true);
    }
    for (const w of ['harbour', 'Valletta', 'sanctions', 'ميناء']) {
      expect(isGenreStem(stemWord(normalizeForMatch(w))), w).toBe(false);
    }
  });
});

// Two near-identical notices a few days apart, and a harbour release, all invented.
const at = (iso: string): Date => new Date(`${iso}T10:00:00Z`);
const catalogue: CatalogueRelease[] = [
  {
    id: 1,
    url: 'https://www.example.gov/news/minister-visits-carlisle-flood-defences',
    title: 'Minister visits Carlisle flood defences',
    language: 'en',
    publishedAt: at('2021-04-14'),
    body: 'The minister visited the flood defences in Carlisle and met volunteers who filled sandbags.',
    familyId: 1,
  },
  {
    id: 2,
    url: 'https://www.example.gov/news/minister-inspects-carlisle-river-wall',
    title: 'Minister inspects Carlisle river wall',
    language: 'en',
    publishedAt: at('2021-04-10'),
    body: 'The minister visited the flood defences in Carlisle and met volunteers and engineers at the river wall, which cost £3 million.',
    familyId: 2,
  },
  {
    id: 3,
    url: 'https://www.example.gov/news/minister-opens-new-harbour-in-valletta',
    title: 'Minister opens new harbour in Valletta',
    language: 'en',
    publishedAt: at('2021-04-13'),
    body: 'Trade Minister Gregory Whitcombe opened the new deep-water harbour in Valletta. The project cost £42 million.',
    familyId: 3,
  },
];
const index = buildReleaseIndex(catalogue);
const ask = (over: Partial<EnquiryText>): EnquiryText => ({
  subject: 'Enquiry',
  newText: '',
  quotedText: '',
  date: at('2021-04-15'),
  ...over,
});

describe('matching with the sender’s own cues', () => {
  it('widens the lead of the release that came out when the sender says it did, and says so', () => {
    const question = 'Which volunteers did the minister meet at the Carlisle flood defences visit';
    const undated = matchRelease(index, ask({ newText: `${question}?` }));
    const dated = matchRelease(index, ask({ newText: `${question} yesterday?` }));
    const lead = (r: typeof undated): number => r.candidates[0]!.score - r.candidates[1]!.score;
    expect(undated.releaseId).toBe(1);
    expect(dated.releaseId).toBe(1);
    expect(lead(dated)).toBeGreaterThan(lead(undated));
    expect(dated.reason).toMatch(/; 24 h after publication, as "yesterday" says$/);
    expect(undated.reason).not.toMatch(/says/);
  });

  it('is cautious when no similar release fits the date the sender gives', () => {
    const question = 'Which engineers did the minister meet at the Carlisle river wall';
    expect(matchRelease(index, ask({ newText: `${question}?` })).releaseId).toBe(2);
    // The river-wall notice is five days old; "yesterday" points at something not in the catalogue.
    const dated = matchRelease(index, ask({ newText: `${question} yesterday?` }));
    expect(dated.releaseId).toBeNull();
    expect(dated.candidates[0]?.releaseId).toBe(2);
  });

  it('links the forwarded release whose title the sender’s own words echo', () => {
    const digest = [
      'Minister opens new harbour in Valletta',
      'https://www.example.gov/news/minister-opens-new-harbour-in-valletta?utm_source=alert',
      'Minister inspects Carlisle river wall',
      'https://www.example.gov/news/minister-inspects-carlisle-river-wall?utm_source=alert',
    ].join('\n');
    const r = matchRelease(
      index,
      ask({
        subject: 'Fwd: news alert',
        newText:
          'Forwarding your alert. A question on the second item, the minister’s inspection of the river wall: who built it and when does the work finish?',
        quotedText: digest,
      }),
    );
    expect(r.familyId).toBe(2);
  });
});
