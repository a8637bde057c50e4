import type { ReleaseInput } from '../releases/release-input.ts';

/**
 * Sample releases for `newsdesk demo`, written for this project (fictional where they are not a
 * short summary). The demo adds the seed release from the shared corpora when it is present.
 */
export const DEMO_SEED_URL =
  'https://www.gov.uk/government/news/small-group-of-the-global-coalition-to-counter-daesh-meeting-in-brussels.ar';

/**
 * Days before the demo starts that each sample release came out: the enquiries ask about
 * "yesterday's meeting", so the dates move with the demo rather than grow stale.
 */
const PUBLISHED_DAYS_AGO: Record<string, number> = {
  'https://www.gov.uk/government/news/small-group-of-the-global-coalition-to-counter-daesh-meeting-in-brussels': 1,
  'https://www.gov.uk/government/news/consular-support-after-airport-closure': 2,
  'https://www.gov.uk/government/news/new-sanctions-announced': 1.5,
  'https://www.gov.uk/government/news/new-sanctions-announced.ar': 1.5,
};

/** The sample releases, dated relative to `now`. */
export function demoReleases(now: Date): ReleaseInput[] {
  return DEMO_RELEASES.map((r) => {
    const days = PUBLISHED_DAYS_AGO[r.url];
    if (days === undefined) return r;
    const published = new Date(now.getTime() - days * 86_400_000);
    published.setUTCMinutes(0, 0, 0);
    return { ...r, published_at: published.toISOString() };
  });
}

export const DEMO_RELEASES: ReleaseInput[] = [
  {
    url: 'https://www.gov.uk/government/news/small-group-of-the-global-coalition-to-counter-daesh-meeting-in-brussels',
    title: 'Small Group of the Global Coalition to Counter Daesh meets in Brussels',
    language: 'en',
    published_at: '2015-11-05T00:00:00Z',
    body: `Ministers of the Small Group of the Global Coalition to Counter Daesh met in Brussels, at the invitation of Belgium's Deputy Prime Minister and Foreign Minister.

They reviewed progress against Daesh in Iraq and Syria, agreed to widen the Coalition's work on stabilisation in liberated areas, and discussed countering Daesh's messaging and the flow of foreign fighters.

The next meeting of the Small Group is planned for Rome.

Media enquiries: newsdesk@fco.gov.uk`,
  },
  {
    url: 'https://www.gov.uk/government/news/consular-support-after-airport-closure',
    title: 'Consular support for British nationals after the airport closure',
    language: 'en',
    published_at: '2026-11-27T16:00:00Z',
    body: `Consular staff are helping British nationals affected by the closure of the international airport.

Anyone who needs help should call the 24-hour consular line. Travellers should follow the advice of their airline and the local authorities.

Media enquiries: newsdesk@newsdesk.test`,
  },
  {
    url: 'https://www.gov.uk/government/news/new-sanctions-announced',
    title: 'New sanctions announced against those undermining regional stability',
    language: 'en',
    published_at: '2026-11-28T09:00:00Z',
    body: `The Foreign Secretary today announced asset freezes and travel bans on six individuals and two entities responsible for undermining stability in the region.

The measures take effect immediately.

Media enquiries: newsdesk@newsdesk.test`,
  },
  {
    url: 'https://www.gov.uk/government/news/new-sanctions-announced.ar',
    title: 'الإعلان عن عقوبات جديدة على من يقوضون الاستقرار في المنطقة',
    language: 'ar',
    published_at: '2026-11-28T09:00:00Z',
    body: `أعلن وزير الخارجية اليوم تجميد أصول وحظر سفر على ستة أفراد وكيانين مسؤولين عن تقويض الاستقرار في المنطقة.

تدخل هذه الإجراءات حيز التنفيذ على الفور.`,
    translation_of: 'https://www.gov.uk/government/news/new-sanctions-announced',
  },
];
