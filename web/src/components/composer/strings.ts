// The composer's words in the two UI languages; the rest of the UI's catalogue lives in i18n/.
const en = {
  label: 'Reply to the journalist',
  placeholder: 'Write your reply…',
  quote: 'Quote their message',
  replyAll: 'Reply to all',
  after: 'After sending:',
  'after.answered': 'answered',
  'after.waiting': 'waiting (more to come)',
  send: 'Send',
  sending: 'Sending…',
  undo: 'Undo',
  'undo.sendingIn': 'Sending in {n} s…',
  another: 'Write another reply',
  'changed.since': 'acted on this thread since you opened it:',
  'changed.thread': 'This thread changed since you opened it:',
  'changed.review': 'Review',
  'changed.sendAnyway': 'Send anyway',
  'state.held': 'About to send',
  'state.awaiting-approval': 'Waiting for approval',
  'state.queued': 'Queued',
  'state.sending': 'Sending…',
  'state.retrying': 'Retrying',
  'state.sent': 'Sent',
  'state.failed': 'Not sent',
  'state.bounced': 'Bounced',
  'state.cancelled': 'Not sent (pulled back or returned)',
} as const;

export type ComposerKey = keyof typeof en;

const ar: Record<ComposerKey, string> = {
  label: 'الرد على الصحفي',
  placeholder: 'اكتب ردك…',
  quote: 'اقتباس رسالته',
  replyAll: 'الرد على الجميع',
  after: 'بعد الإرسال:',
  'after.answered': 'تمّ الرد',
  'after.waiting': 'بانتظار المزيد',
  send: 'إرسال',
  sending: 'جارٍ الإرسال…',
  undo: 'تراجع',
  'undo.sendingIn': 'سيُرسل خلال {n} ث…',
  another: 'كتابة رد آخر',
  'changed.since': 'تصرّف في هذه المحادثة منذ فتحتها:',
  'changed.thread': 'تغيّرت هذه المحادثة منذ فتحتها:',
  'changed.review': 'مراجعة',
  'changed.sendAnyway': 'إرسال على أي حال',
  'state.held': 'على وشك الإرسال',
  'state.awaiting-approval': 'بانتظار الموافقة',
  'state.queued': 'في قائمة الانتظار',
  'state.sending': 'جارٍ الإرسال…',
  'state.retrying': 'إعادة المحاولة',
  'state.sent': 'أُرسل',
  'state.failed': 'لم يُرسل',
  'state.bounced': 'ارتدّ',
  'state.cancelled': 'لم يُرسل (سُحب أو أُعيد)',
};

/** The composer's string lookup for the officer's UI language. */
export function composerText(language: string): (key: ComposerKey) => string {
  const table: Record<ComposerKey, string> = language === 'ar' ? ar : en;
  return (key) => table[key];
}
