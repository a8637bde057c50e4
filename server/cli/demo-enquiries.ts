/**
 * Sample journalist enquiries for `newsdesk demo`, written for this project. They are sent through
 * the demo's own Postfix, so they arrive exactly as real mail would.
 */
export interface DemoEnquiry {
  key: string;
  from: { name: string; address: string };
  subject: string;
  text: string;
  /** Key of an earlier enquiry this one answers (sets In-Reply-To/References). */
  replyTo?: string;
  /** Send the body in this legacy charset instead of UTF-8, as many Arabic mail clients still do. */
  charset?: 'windows-1256';
  /** Seconds after start-up: later ones show the live updates. */
  delaySeconds: number;
}

export const DEMO_ENQUIRIES: DemoEnquiry[] = [
  {
    key: 'brussels-en',
    from: { name: 'Hannah Cole', address: 'hannah.cole@dailywire.example' },
    subject: 'Counter-Daesh small group meeting in Brussels: request for comment',
    text: `Hello,

I'm writing a piece on yesterday's meeting of the Counter-Daesh coalition small group in Brussels.
Could a spokesperson comment on what the statement means for the stabilisation effort in Iraq?

My deadline is 5pm UK time today.

Thanks,
Hannah Cole
Foreign desk, Daily Wire`,
    delaySeconds: 0,
  },
  {
    key: 'brussels-ar',
    from: { name: 'ليلى منصور', address: 'layla.mansour@alkhabar.example' },
    subject: 'استفسار حول اجتماع المجموعة المصغرة في بروكسل',
    text: `تحية طيبة،

أكتب إليكم بخصوص البيان الصادر عن اجتماع المجموعة المصغرة من التحالف في بروكسل.
هل يمكن ترتيب مقابلة قصيرة مع أحد المسؤولين للحديث عن الخطوات القادمة؟

مع الشكر،
ليلى منصور
صحيفة الخبر`,
    charset: 'windows-1256',
    delaySeconds: 0,
  },
  {
    key: 'visa-en',
    from: { name: 'Tom Okafor', address: 'tom.okafor@citypost.example' },
    subject: 'Press enquiry',
    text: `Hi newsdesk,

Is there any update on the consular support for British nationals stranded after the airport closure?
Happy to take a line on background.

Tom Okafor, City Post`,
    delaySeconds: 0,
  },
  {
    key: 'visa-other',
    from: { name: 'Priya Shah', address: 'priya@radionorth.example' },
    subject: 'Press enquiry',
    text: `Good morning,

Radio North would like a short recorded interview about the new sanctions announcement, ideally before 11:00 tomorrow.

Best,
Priya Shah`,
    delaySeconds: 0,
  },
  {
    key: 'brussels-en-followup',
    from: { name: 'Hannah Cole', address: 'hannah.cole@dailywire.example' },
    subject: 'Re: Counter-Daesh small group meeting in Brussels: request for comment',
    text: `Just checking you received this: I'm filing in an hour.

Hannah`,
    replyTo: 'brussels-en',
    delaySeconds: 20,
  },
  {
    key: 'brussels-ar-followup',
    from: { name: 'ليلى منصور', address: 'layla.mansour@alkhabar.example' },
    subject: 'رد: استفسار حول اجتماع المجموعة المصغرة في بروكسل',
    text: `للتذكير: نحتاج الرد قبل الساعة الخامسة مساء اليوم إن أمكن.

ليلى`,
    charset: 'windows-1256',
    delaySeconds: 40,
  },
];
