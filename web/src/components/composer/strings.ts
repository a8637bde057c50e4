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
  'states.label': 'Replies on this thread',
  files: 'Forward attachments',
  to: 'To:',
  'replyTo.asks': 'asks for replies to go to',
  'replyTo.from': 'Reply to',
  'replyTo.use': 'Reply to',
  saved: 'Saved replies:',
  'saved.pick': 'Choose one to insert…',
  'saved.lines': 'Lines to take',
  'saved.missing': 'Fill these in by hand:',
  cc: 'Cc:',
  'files.unnamed': 'attachment',
  'states.automatic': 'Automatic acknowledgement',
  'states.noSentCopy': 'no copy in Sent yet',
  'states.approve': 'Approve',
  'states.return': 'Return',
  'states.returnNote': 'Why it goes back',
  'change.message': 'new message from {name}',
  'change.replied': '{name} replied',
  'change.note': '{name} added a note',
  attach: 'Attach files',
  'attach.uploading': 'Uploading…',
  'attach.remove': 'Remove {name}',
  'attach.failed': 'Could not upload {name}: {reason}',
  format: 'Formatting',
  'format.plain': 'Plain text',
  'format.simple': 'Simple formatting',
  'format.toolbar': 'Formatting tools',
  'format.bold': 'Bold (Ctrl+B)',
  'format.italic': 'Italic (Ctrl+I)',
  'format.list': 'Bulleted list',
  'format.help': '**bold**, _italic_, lines starting "- " or "1. " are lists; links are made by themselves.',
  'format.preview': 'Preview',
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
  'states.label': 'الردود في هذه المحادثة',
  files: 'إعادة توجيه المرفقات',
  to: 'إلى:',
  'replyTo.asks': 'يطلب إرسال الردود إلى',
  'replyTo.from': 'الرد على',
  'replyTo.use': 'الرد على',
  saved: 'ردود محفوظة:',
  'saved.pick': 'اختر رداً لإدراجه…',
  'saved.lines': 'الخطوط المعتمدة',
  'saved.missing': 'أكمل هذه يدوياً:',
  cc: 'نسخة:',
  'files.unnamed': 'مرفق',
  'states.automatic': 'إشعار استلام تلقائي',
  'states.noSentCopy': 'لا نسخة في المرسل بعد',
  'states.approve': 'موافقة',
  'states.return': 'إعادة',
  'states.returnNote': 'سبب الإعادة',
  'change.message': 'رسالة جديدة من {name}',
  'change.replied': 'ردّ {name}',
  'change.note': 'أضاف {name} ملاحظة',
  attach: 'إرفاق ملفات',
  'attach.uploading': 'جارٍ الرفع…',
  'attach.remove': 'إزالة {name}',
  'attach.failed': 'تعذّر رفع {name}: {reason}',
  format: 'التنسيق',
  'format.plain': 'نص عادي',
  'format.simple': 'تنسيق بسيط',
  'format.toolbar': 'أدوات التنسيق',
  'format.bold': 'غامق (Ctrl+B)',
  'format.italic': 'مائل (Ctrl+I)',
  'format.list': 'قائمة نقطية',
  'format.help': '**غامق**، _مائل_، والأسطر التي تبدأ بـ "- " أو "1. " قوائم؛ والروابط تُنشأ تلقائياً.',
  'format.preview': 'معاينة',
};

/** The composer's string lookup for the officer's UI language. */
export function composerText(language: string): (key: ComposerKey) => string {
  const table: Record<ComposerKey, string> = language === 'ar' ? ar : en;
  return (key) => table[key];
}

/**
 * What changed on the thread, in the officer's language. The server words each change in English
 * (server/commands/replies/create-reply.ts); the three kinds it names are recognised, anything else is shown
 * as written.
 */
export function changeText(t: (key: ComposerKey) => string, summary: string): string {
  const patterns: [RegExp, ComposerKey][] = [
    [/^new message from (.+)$/s, 'change.message'],
    [/^(.+) replied$/s, 'change.replied'],
    [/^(.+) added a note$/s, 'change.note'],
  ];
  for (const [pattern, key] of patterns) {
    const name = pattern.exec(summary)?.[1];
    if (name !== undefined) return t(key).replace('{name}', () => name);
  }
  return summary;
}
