import { describe, expect, it } from 'vitest';
import { splitReplyHtml, splitReplyText, type SplitMessage } from '../../../server/domain/quotes/index.ts';

const kinds = (split: SplitMessage): string[] =>
  split.fragments.filter((f) => f.text.trim() !== '').map((f) => f.kind);

describe('splitReplyText: English', () => {
  it('keeps the reply above "On … wrote:" and a > quote', () => {
    const split = splitReplyText(
      'Thanks, can you confirm the embargo time?\n\nOn Mon, 4 Nov 2024 at 10:15, Press Office <press@example.gov> wrote:\n> The release is attached.\n> Regards\n',
    );
    expect(split.newText).toBe('Thanks, can you confirm the embargo time?');
    expect(split.quoted).toMatch(
      /^On Mon, 4 Nov 2024 at 10:15, Press Office <press@example\.gov> wrote:\n> The release/,
    );
    expect(kinds(split)).toEqual(['new', 'quoted']);
  });

  it('reads an attribution wrapped over three lines', () => {
    const split = splitReplyText(
      'Yes.\n\nOn Dec 16, 2011, at 12:47 PM, Corey Donohoe\n<reply@example.com>\nwrote:\n\n> Was this fixed?\n',
    );
    expect(split.newText).toBe('Yes.');
    expect(split.quoted.startsWith('On Dec 16, 2011')).toBe(true);
  });

  it('keeps inline answers between quoted passages, in order', () => {
    const split = splitReplyText(
      'On Tue, 5 Nov 2024 at 09:00, Press Office <press@example.gov> wrote:\n> When do you file?\n\nAt six.\n\n> Do you need pictures?\n\nYes please.\n',
    );
    expect(split.newText).toBe('At six.\n\nYes please.');
    expect(kinds(split)).toEqual(['quoted', 'new', 'quoted', 'new']);
  });

  it('cuts at an Outlook header block under a rule line, and at "-----Original Message-----"', () => {
    const outlook = splitReplyText(
      'Works for me.\n________________________________\nFrom: Press Office <press@example.gov>\nSent: Monday, November 4, 2024 10:15 AM\nTo: Sarah Jones\nSubject: RE: interview\n\nOld text',
    );
    expect(outlook.newText).toBe('Works for me.');
    expect(outlook.quoted.startsWith('________________________________\nFrom: Press Office')).toBe(true);
    const original = splitReplyText(
      'Noted.\n\n-----Original Message-----\nFrom: press@example.gov\nSent: Mon\n\nOld',
    );
    expect(original.newText).toBe('Noted.');
  });

  it('marks a forwarded release as forwarded, not as the journalist’s words', () => {
    const split = splitReplyText(
      'Can you comment on the release below?\n\n---------- Forwarded message ---------\nFrom: Ministry <press@example.gov>\nDate: Mon, 4 Nov 2024 at 10:15\nSubject: Budget\nTo: <desk@paper.example>\n\nThe ministry announces…\n',
    );
    expect(split.newText).toBe('Can you comment on the release below?');
    expect(kinds(split)).toEqual(['new', 'forwarded']);
    expect(split.quoted).toContain('The ministry announces');
  });

  it('separates "-- " signatures and "Sent from my iPhone"', () => {
    const sig = splitReplyText('See you at ten.\n\n-- \nSarah Jones\nThe Daily Example\n');
    expect(sig.newText).toBe('See you at ten.');
    expect(sig.signature).toBe('-- \nSarah Jones\nThe Daily Example');
    const phone = splitReplyText(
      'Confirmed.\n\nSent from my iPhone\n\nOn 4 Nov 2024, at 10:15, Press <press@example.gov> wrote:\n\n> Hi',
    );
    expect(phone.newText).toBe('Confirmed.');
    expect(phone.signature).toBe('Sent from my iPhone');
    expect(kinds(phone)).toEqual(['new', 'signature', 'quoted']);
  });

  it('folds a sign-off block, and the sender’s name when the sender is known', () => {
    expect(
      splitReplyText('Please send the figures.\n\nBest regards,\nSarah Jones\nThe Daily Example').signature,
    ).toBe('Best regards,\nSarah Jones\nThe Daily Example');
    const named = splitReplyText('Please send the figures.\n\nSarah Jones\n+44 20 7946 0000', {
      sender: 'Sarah Jones <sarah@paper.example>',
    });
    expect(named.newText).toBe('Please send the figures.');
    expect(named.signature).toBe('Sarah Jones\n+44 20 7946 0000');
    // Without a sender a bare name line stays: it may be the only sign of who wrote.
    expect(splitReplyText('Please send the figures.\nSarah').newText).toBe('Please send the figures.\nSarah');
  });

  it('does not cut at the false-positive traps', () => {
    const desk = 'Here is another email\n\nSent from my desk, is much easier then my mobile phone.';
    expect(splitReplyText(desk).newText).toBe(desk);
    const wrote = 'Intro line.\n\nSomething wrote:\nThis is still my own text.';
    expect(splitReplyText(wrote).newText).toBe(wrote);
    const dashes = 'And here is a fix -- this is not a signature.\n\nkthxbai';
    expect(splitReplyText(dashes).newText).toBe(dashes);
    const minister = 'On 3 November the minister wrote:\nWe will act.\n\nIs that still the position?';
    expect(splitReplyText(minister).newText).toBe(minister);
    const qa = 'Q: when?\nA: tomorrow\nSubject: the budget';
    expect(splitReplyText(qa).newText).toBe(qa);
    const thanks = 'Thanks,\nlet me know when the minister is free.';
    expect(splitReplyText(thanks).signature).toBe('');
  });

  it('returns fragments that concatenate back to the input (CRLF read as LF)', () => {
    const text =
      '\r\nHello\r\n\r\nOn 4 Nov 2024 at 10:15, A <a@example.com> wrote:\r\n> hi\r\n>\r\n\r\n-- \r\nme';
    const split = splitReplyText(text);
    expect(split.fragments.map((f) => f.text).join('')).toBe(text.replace(/\r\n/g, '\n'));
  });

  it('handles empty and whitespace-only bodies', () => {
    expect(splitReplyText('')).toEqual({ newText: '', quoted: '', signature: '', fragments: [] });
    expect(splitReplyText('\n\n  \n').newText).toBe('');
  });
});

describe('splitReplyText: Arabic', () => {
  it('cuts at Gmail’s "في … كتب …:"', () => {
    const split = splitReplyText(
      'شكراً على الرد. نحتاج التصريح قبل الساعة الخامسة.\n\nفي الاثنين، 4 نوفمبر 2024 في 10:15 ص، المكتب الإعلامي <press@example.gov> كتب:\n> نرحب بطلبكم.\n',
    );
    expect(split.newText).toBe('شكراً على الرد. نحتاج التصريح قبل الساعة الخامسة.');
    expect(kinds(split)).toEqual(['new', 'quoted']);
  });

  it('cuts at "بتاريخ … كتب …:" with Arabic-Indic digits and bidi marks, quoted text unprefixed', () => {
    const split = splitReplyText(
      '\u202bهل يمكن ترتيب مقابلة مع الوزير؟\u202c\n\n\u202bبتاريخ ٤ نوفمبر ٢٠٢٤، الساعة ١٠:١٥ ص، كتب المكتب الإعلامي <press@example.gov>:\u202c\n\nنص الرسالة السابقة',
    );
    expect(split.newText).toBe('\u202bهل يمكن ترتيب مقابلة مع الوزير؟\u202c');
    expect(split.quoted).toContain('نص الرسالة السابقة');
  });

  it('cuts at Outlook’s Arabic header block, on separate lines or on one', () => {
    const block = splitReplyText(
      'أرجو تأكيد الموعد.\n\nمن: المكتب الإعلامي <press@example.gov>\nأرسلت: الاثنين، 4 نوفمبر 2024 10:15 ص\nإلى: سارة <sara@paper.example>\nالموضوع: طلب مقابلة\n\nنص سابق',
    );
    expect(block.newText).toBe('أرجو تأكيد الموعد.');
    expect(block.quoted.startsWith('من: المكتب الإعلامي')).toBe(true);
    const oneLine = splitReplyText(
      'أرجو تأكيد الموعد.\n\nمن: المكتب الإعلامي أرسلت: الاثنين 4 نوفمبر إلى: سارة الموضوع: طلب مقابلة\n\nنص سابق',
    );
    expect(oneLine.newText).toBe('أرجو تأكيد الموعد.');
  });

  it('separates "أرسلت من الـ iPhone" and a closing block', () => {
    const phone = splitReplyText(
      'موافق.\n\nأرسلت من الـ iPhone\n\nفي 4 نوفمبر 2024، الساعة 10:15 ص، كتب "المكتب" <press@example.gov>:\n\n> نص',
    );
    expect(phone.newText).toBe('موافق.');
    expect(phone.signature).toBe('أرسلت من الـ iPhone');
    const closing = splitReplyText(
      'نرجو تزويدنا بالأرقام الرسمية.\n\nمع خالص التحية،\nأحمد علي\nصحيفة الشرق',
    );
    expect(closing.newText).toBe('نرجو تزويدنا بالأرقام الرسمية.');
    expect(closing.signature).toBe('مع خالص التحية،\nأحمد علي\nصحيفة الشرق');
  });

  it('does not mistake "مكتب" (office) for the verb "كتب"', () => {
    const text = 'زرت المكتب في 4 نوفمبر 2024 الساعة 10:15 وقال مدير المكتب:\nسنصدر بياناً.';
    expect(splitReplyText(text).newText).toBe(text);
  });
});

describe('splitReplyText: French', () => {
  it('cuts at "Le … a écrit :" and folds "Cordialement" and the signature above it', () => {
    const split = splitReplyText(
      'Bonjour,\n\nPouvez-vous confirmer ?\n\nCordialement,\nJean Dupont\nLe Monde\n\nLe lun. 4 nov. 2024 à 10:15, Service de presse <presse@example.gouv.fr> a écrit :\n> Bonjour',
    );
    expect(split.newText).toBe('Bonjour,\n\nPouvez-vous confirmer ?');
    expect(split.signature).toBe('Cordialement,\nJean Dupont\nLe Monde');
    expect(kinds(split)).toEqual(['new', 'signature', 'quoted']);
  });

  it('handles "Envoyé de mon iPhone", "De : … Objet :" and "Message d’origine"', () => {
    const phone = splitReplyText(
      'Oui merci\n\nEnvoyé de mon iPhone\n\n> Le 4 nov. 2024 à 10:15, Service <s@example.fr> a écrit :\n> texte',
    );
    expect(phone.newText).toBe('Oui merci');
    expect(phone.signature).toBe('Envoyé de mon iPhone');
    const header = splitReplyText(
      'Merci.\n\nDe : Service de presse <presse@example.fr>\nEnvoyé : lundi 4 novembre 2024 10:15\nÀ : Jean\nObjet : RE: demande\n\nTexte',
    );
    expect(header.newText).toBe('Merci.');
    const origin = splitReplyText(
      "Bien reçu.\n\n-------- Message d'origine --------\nDe : Service\nDate : 04/11/2024\n\nTexte",
    );
    expect(origin.newText).toBe('Bien reçu.');
  });
});

describe('splitReplyHtml', () => {
  it('uses Gmail’s gmail_quote and gmail_signature structure', () => {
    const html =
      '<div dir="ltr">Can we speak at 3?<br><br><div class="gmail_signature" data-smartmail="gmail_signature">Sarah Jones<br>The Daily Example</div></div><br>' +
      '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, 4 Nov 2024 at 10:15, Press &lt;press@example.gov&gt; wrote:<br></div>' +
      '<blockquote class="gmail_quote" style="margin:0 0 0 .8ex">The minister is free on Tuesday.</blockquote></div>';
    const split = splitReplyHtml(html);
    expect(split.newText).toBe('Can we speak at 3?');
    expect(split.signature).toBe('Sarah Jones\nThe Daily Example');
    expect(split.quoted).toContain('The minister is free on Tuesday.');
    expect(kinds(split)).toEqual(['new', 'signature', 'quoted']);
  });

  it('reads an Arabic Gmail reply written right to left', () => {
    const html =
      '<div dir="rtl">شكراً، سنرسل الأسئلة قبل الظهر.</div><br><div class="gmail_quote"><div dir="rtl" class="gmail_attr">' +
      '&#x202B;في الاثنين، 4 نوفمبر 2024 في 10:15 ص، &lrm;المكتب&lrm; &lt;press@example.gov&gt; كتب:<br></div>' +
      '<blockquote class="gmail_quote">نص سابق</blockquote></div>';
    const split = splitReplyHtml(html);
    expect(split.newText).toBe('شكراً، سنرسل الأسئلة قبل الظهر.');
    expect(split.quoted).toContain('نص سابق');
  });

  it('cuts from Outlook on the web’s divRplyFwdMsg to the end', () => {
    const html =
      '<div>Merci pour votre réponse.</div><hr style="display:inline-block;width:98%" tabindex="-1">' +
      '<div id="divRplyFwdMsg" dir="ltr"><b>De :</b> Service de presse<br><b>Envoyé :</b> lundi 4 novembre 2024 10:15<br>' +
      '<b>À :</b> Jean<br><b>Objet :</b> RE: demande</div><div>Texte précédent</div>';
    const split = splitReplyHtml(html);
    expect(split.newText).toBe('Merci pour votre réponse.');
    expect(split.quoted).toMatch(/^De : Service de presse[\s\S]*Texte précédent$/);
  });

  it('understands Apple Mail, Thunderbird and Yahoo quotes', () => {
    const apple = splitReplyHtml(
      '<div>Yes, 10am works.</div><div><br><blockquote type="cite"><div>On 4 Nov 2024, at 10:15, Press &lt;press@example.gov&gt; wrote:</div><div>Would 10am suit?</div></blockquote></div>',
    );
    expect(apple.newText).toBe('Yes, 10am works.');
    const thunderbird = splitReplyHtml(
      '<p>Fine by me.</p><div class="moz-cite-prefix">Le 04/11/2024 à 10:15, Presse a écrit&nbsp;:<br></div><blockquote type="cite">Texte</blockquote>',
    );
    expect(thunderbird.newText).toBe('Fine by me.');
    const yahoo = splitReplyHtml(
      '<div>Got it.</div><div id="yahoo_quoted_123" class="yahoo_quoted"><div>On Monday, 4 November 2024, 10:15, Press wrote:</div><div>Old</div></div>',
    );
    expect(yahoo.newText).toBe('Got it.');
  });

  it('marks a Gmail forward as forwarded', () => {
    const split = splitReplyHtml(
      '<div>FYI, see below.</div><br><div class="gmail_quote"><div class="gmail_attr">---------- Forwarded message ---------<br>From: Ministry &lt;press@example.gov&gt;<br>Date: Mon, 4 Nov 2024<br>Subject: Budget<br></div><br>The ministry announces…</div>',
    );
    expect(split.newText).toBe('FYI, see below.');
    expect(kinds(split)).toEqual(['new', 'forwarded']);
  });

  it('decodes entities, keeps <pre> lines, skips style and script, survives broken markup', () => {
    const split = splitReplyHtml(
      '<style>p{color:red}</style><script>alert(1)</script><p>Caf&eacute; &amp; &#x27;bar&#39; &lt;ok&gt;</p><pre>a  b\nc</pre><div><b>unclosed <i>tags',
    );
    expect(split.newText).toBe("Café & 'bar' <ok>\n\na  b\nc\nunclosed tags");
  });

  it('treats an Outlook desktop header (MsoNormal paragraphs) as history', () => {
    const html =
      '<div class=WordSection1><p class=MsoNormal>Thanks, that helps.<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p>' +
      "<div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'><p class=MsoNormal><b>From:</b> Press Office &lt;press@example.gov&gt;<br>" +
      '<b>Sent:</b> 04 November 2024 10:15<br><b>To:</b> Sarah<br><b>Subject:</b> Interview</p></div><p class=MsoNormal>Old text</p></div>';
    const split = splitReplyHtml(html);
    expect(split.newText).toBe('Thanks, that helps.');
    expect(split.quoted).toContain('Old text');
  });
});

describe('performance on 1 MB hostile bodies', () => {
  const MB = 1 << 20;
  const fill = (unit: string): string => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
  // Best of two runs, so a garbage collection or JIT pause on a busy machine does not decide.
  const time = (fn: () => void): number => {
    let best = Infinity;
    for (let i = 0; i < 2; i++) {
      const start = performance.now();
      fn();
      best = Math.min(best, performance.now() - start);
    }
    return best;
  };
  const texts: Record<string, string> = {
    'one long line': 'a'.repeat(MB),
    'quote markers': '>'.repeat(MB),
    'quoted lines': fill('> quoted line of text\n'),
    'blank lines': fill('\n'),
    'lines ending in a colon': fill('a:\n'),
    'attribution-like lines': fill('في الاثنين كتب أحمد:\nنص\n'),
    'field lines': fill('To: x\n'),
    'underscore rules': 'hi\n' + fill('__\n'),
    delimiters: 'hi\n' + fill('--\n'),
    'long addresses': fill('x@' + 'y'.repeat(390) + ':\n'),
    'wrapped quotes': fill('> ' + 'x'.repeat(60) + '\ny\n'),
  };
  for (const [name, text] of Object.entries(texts)) {
    // A guard against catastrophic backtracking (which takes minutes), not a speed measurement:
    // the bound is loose so a busy CI machine never flakes; `npm run bench` measures speed.
    it(`text: ${name} finishes (no catastrophic backtracking)`, () => {
      expect(time(() => splitReplyText(text))).toBeLessThan(5000);
    });
  }
  const htmls: Record<string, string> = {
    'unclosed divs': fill('<div>'),
    'nested blockquotes': fill('<blockquote>x'),
    paragraphs: fill('<p>x'),
    'literal <': fill('<'),
    'unclosed attribute quote': fill("<a href='"),
    'unclosed style': fill('<style>'),
    entities: fill('&amp;&#x41;&bogus;'),
  };
  for (const [name, html] of Object.entries(htmls)) {
    it(`html: ${name} finishes (no catastrophic backtracking)`, () => {
      expect(time(() => splitReplyHtml(html))).toBeLessThan(5000);
    });
  }
});

// Release matching reads `newText` as the sender's own words and the rest as weaker evidence.
describe('the split release matching relies on', () => {
  it('separates "On … wrote:" history, Outlook headers, signatures and forwards', () => {
    expect(splitReplyText('Any news?\n\nOn Mon, 1 Mar 2021, Jo <jo@x.com> wrote:\n> old text').newText).toBe(
      'Any news?',
    );
    expect(splitReplyText('Chasing.\n\nFrom: Jo\nSent: 1 March\nTo: desk\n\nold').newText).toBe('Chasing.');
    expect(splitReplyText('مرحبا\n\nمن: جو\nتاريخ الإرسال: الاثنين\nold').newText).toBe('مرحبا');
    expect(splitReplyText('Question.\n-- \nJo Bloggs\nReporter').newText).toBe('Question.');
    expect(splitReplyText('Hi\n---------- Forwarded message ---------\nFrom: x').newText).toBe('Hi');
  });
});
