import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import {
  buildReleaseIndex,
  matchRelease,
  recencyFactor,
  releaseIndexFromData,
  releaseIndexToData,
  shingleHashes,
  type CatalogueRelease,
  type EnquiryText,
} from '../../../server/domain/release-match/index.ts';

// An invented catalogue: a harbour opening in Valletta (English, with an Arabic translation), a
// fisheries grant, and two near-identical trade-fair notices for different cities and dates.
const day = (iso: string): Date => new Date(`${iso}T10:00:00Z`);
const releases: CatalogueRelease[] = [
  {
    id: 1,
    url: 'https://www.example.gov/news/minister-opens-new-harbour-in-valletta',
    title: 'Minister opens new harbour in Valletta',
    language: 'en',
    publishedAt: day('2021-03-10'),
    body: 'Trade Minister Gregory Whitcombe opened the new deep-water harbour in Valletta today. The project cost £42 million and will handle 3,000 ships a year. "This harbour links our islands to every market in the Mediterranean," Whitcombe said.',
    familyId: 1,
  },
  {
    id: 2,
    url: 'https://www.example.gov/news/minister-opens-new-harbour-in-valletta.ar',
    title: 'الوزير يفتتح ميناء جديدا في فاليتا',
    language: 'ar',
    publishedAt: day('2021-03-10'),
    body: 'افتتح وزير التجارة غريغوري ويتكومب اليوم الميناء الجديد للمياه العميقة في فاليتا. بلغت تكلفة المشروع 42 مليون جنيه إسترليني وسيستقبل 3000 سفينة سنويا. وقال ويتكومب إن هذا الميناء يربط جزرنا بكل سوق في البحر المتوسط.',
    familyId: 1,
  },
  {
    id: 3,
    url: 'https://www.example.gov/news/new-grant-for-coastal-fisheries',
    title: 'New grant for coastal fisheries',
    language: 'en',
    publishedAt: day('2021-03-12'),
    body: 'Coastal fishing communities can apply for a share of a £6 million grant to modernise boats and cold stores. Applications close on 30 April. Fisheries Minister Alison Marr said small ports are the backbone of the coast.',
    familyId: 3,
  },
  {
    id: 4,
    url: 'https://www.example.gov/news/trade-fair-in-lisbon',
    title: 'Trade delegation attends fair in Lisbon',
    language: 'en',
    publishedAt: day('2021-05-04'),
    body: 'A trade delegation of 40 companies attended the technology fair in Lisbon on 4 May. The delegation was led by Ambassador Ruth Caldwell.',
    familyId: 4,
  },
  {
    id: 5,
    url: 'https://www.example.gov/news/trade-fair-in-madrid',
    title: 'Trade delegation attends fair in Madrid',
    language: 'en',
    publishedAt: day('2021-06-15'),
    body: 'A trade delegation of 25 companies attended the technology fair in Madrid on 15 June. The delegation was led by Ambassador Peter Hollis.',
    familyId: 5,
  },
];
const index = buildReleaseIndex(releases);
const ask = (over: Partial<EnquiryText>): EnquiryText => ({
  subject: 'Press enquiry',
  newText: '',
  quotedText: '',
  date: day('2021-03-11'),
  ...over,
});

describe('matchRelease signals', () => {
  it('links on a URL in any form, and returns the version it names', () => {
    const r = matchRelease(
      index,
      ask({
        newText:
          'About http://example.gov/news/minister-opens-new-harbour-in-valletta/?utm_source=x - a question.',
      }),
    );
    expect(r.releaseId).toBe(1);
    expect(r.reason).toBe('links to the release');
    expect(r.confidence).toBeGreaterThan(0.9);
    const ar = matchRelease(
      index,
      ask({ newText: 'سؤال عن https://www.example.gov/news/minister-opens-new-harbour-in-valletta.ar' }),
    );
    expect(ar.releaseId).toBe(2);
    expect(ar.familyId).toBe(1);
  });

  it('links on the quoted title, in either language', () => {
    const r = matchRelease(
      index,
      ask({ newText: 'Re "New grant for coastal fisheries": who can apply?', date: day('2021-03-13') }),
    );
    expect(r.releaseId).toBe(3);
    expect(r.reason).toBe('quotes the title');
    const ar = matchRelease(
      index,
      ask({ newText: 'بخصوص خبركم «الوزير يفتتح ميناء جديدا في فاليتا» لدي سؤال' }),
    );
    expect(ar.releaseId).toBe(2);
  });

  it('links on a long quoted span of the body', () => {
    const r = matchRelease(
      index,
      ask({
        newText:
          'You say "this harbour links our islands to every market in the Mediterranean". Which markets?',
      }),
    );
    expect(r.familyId).toBe(1);
    expect(r.evidence.some((e) => e.kind === 'quote')).toBe(true);
  });

  it('does not let a release cited only in quoted text steal the link from the new text', () => {
    const r = matchRelease(
      index,
      ask({
        date: day('2021-03-13'),
        newText: 'Separate question: how big is the coastal fisheries grant and when do applications close?',
        quotedText: 'Earlier: https://www.example.gov/news/minister-opens-new-harbour-in-valletta',
      }),
    );
    expect(r.familyId).not.toBe(1);
  });

  it('matches an Arabic question about an English-only release by names, places and figures', () => {
    const r = matchRelease(
      index,
      ask({
        date: day('2021-03-13'),
        newText: 'هل ستغلق طلبات المنحة البالغة 6 ملايين جنيه لقوارب الصيد يوم 30 أبريل؟ الوزيرة أليسون مار',
      }),
    );
    // Ranked first on the figure and the date; with a five-release catalogue the lead is too small to
    // link outright (the Arabic harbour text shares everyday words), which is the cautious outcome.
    expect(r.candidates[0]?.releaseId).toBe(3);
  });

  it('separates near-identical releases by place and date', () => {
    const r = matchRelease(
      index,
      ask({ date: day('2021-06-16'), newText: 'Which firms went with the delegation to Madrid yesterday?' }),
    );
    expect(r.familyId).toBe(5);
    const l = matchRelease(
      index,
      ask({ date: day('2021-05-05'), newText: 'Which firms went with the delegation to Lisbon yesterday?' }),
    );
    expect(l.familyId).toBe(4);
  });

  it('resolves a match to the family original when no version is cited', () => {
    const r = matchRelease(
      index,
      ask({ newText: 'ما هي قيمة مشروع ميناء فاليتا؟ ويتكومب قال إنه يربط الجزر بالبحر المتوسط' }),
    );
    expect(r.familyId).toBe(1);
    expect(r.releaseId).toBe(1);
  });

  it('returns no release for an unrelated enquiry', () => {
    const r = matchRelease(
      index,
      ask({ newText: 'Can you add me to your distribution list for press releases?' }),
    );
    expect(r.releaseId).toBeNull();
    expect(r.reason).toMatch(/^no release/);
  });

  it('applies the threshold option', () => {
    const r = matchRelease(
      index,
      ask({ newText: 'About https://www.example.gov/news/new-grant-for-coastal-fisheries' }),
      { threshold: 1.01 },
    );
    expect(r.releaseId).toBeNull();
  });
});

describe('recencyFactor', () => {
  it('prefers days after publication and rejects dates well before it', () => {
    const pub = day('2021-03-10');
    expect(recencyFactor(day('2021-03-11'), pub)).toBe(1);
    expect(recencyFactor(day('2021-04-10'), pub)).toBeLessThan(1);
    expect(recencyFactor(day('2023-04-10'), pub)).toBeLessThan(recencyFactor(day('2021-04-10'), pub));
    expect(recencyFactor(day('2021-03-01'), pub)).toBeLessThan(0.1);
  });
});

describe('index as data', () => {
  it('survives a structured-clone round trip (as between threads) with identical matches', () => {
    const { index: data } = releaseIndexToData(buildReleaseIndex(releases));
    const copy = releaseIndexFromData(deserialize(serialize(data)) as typeof data);
    const enquiries = [
      ask({ newText: 'About https://www.example.gov/news/new-grant-for-coastal-fisheries' }),
      ask({ newText: 'هل يمكن للوزير ويتكومب التعليق على تكلفة ميناء فاليتا البالغة 42 مليون جنيه؟' }),
      ask({ newText: 'Which companies went to the technology fair in Madrid in June?' }),
      ask({ newText: 'Can you add me to your distribution list for press releases?' }),
    ];
    for (const e of enquiries) expect(matchRelease(copy, e)).toEqual(matchRelease(index, e));
  });

  it('hashes word 5-grams by their words alone', () => {
    const a = shingleHashes('the new deep water harbour in valletta'.split(' '));
    const b = shingleHashes('opened the new deep water harbour today'.split(' '));
    expect(a).toHaveLength(3);
    expect(a[0]).toBe(b[1]);
    expect(new Set([...a, ...b]).size).toBe(5);
  });
});
