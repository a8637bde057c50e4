// What the thread shows about a sender (BAD-INPUTS …A-12): level plus readable warnings.
import { describe, expect, it } from 'vitest';
import { senderTrust } from '../../../server/domain/sender-trust.ts';
import type { AuthVerdict } from '../../../server/mail/auth/verify.ts';

const OWN = ['fco.gov.uk', 'newsdesk.test'];

function verdict(over: Partial<AuthVerdict> = {}): AuthVerdict {
  return {
    dkim: 'pass',
    dkimAligned: true,
    dkimDomains: ['example.net'],
    dkimPartial: false,
    spf: 'pass',
    dmarc: 'pass',
    dmarcPolicy: 'none',
    arc: 'none',
    arcSealer: null,
    arcTrusted: false,
    headerFrom: 'reporter@example.net',
    summary: 'pass',
    forgedAuthResults: 0,
    client: { ip: null, helo: null, sender: null },
    notes: [],
    ...over,
  };
}

const codes = (r: { warnings: { code: string }[] }): string[] => r.warnings.map((w) => w.code);

describe('senderTrust', () => {
  it('a plainly authenticated sender is verified with no warnings', () => {
    const r = senderTrust(
      verdict(),
      { name: 'A Reporter', address: 'reporter@example.net' },
      'A Reporter <reporter@example.net>',
      OWN,
    );
    expect(r).toEqual({ level: 'verified', warnings: [], displayAddress: 'reporter@example.net' });
  });

  it('no verdict yet → unverified, said so', () => {
    const r = senderTrust(null, { name: null, address: 'reporter@example.net' }, 'reporter@example.net', OWN);
    expect(r.level).toBe('unverified');
    expect(codes(r)).toEqual(['auth-not-checked']);
  });

  it('A-02: DMARC fail under p=reject → possible spoof, with a readable reason', () => {
    const v = verdict({
      dkim: 'none',
      dkimAligned: false,
      dkimDomains: [],
      spf: 'fail',
      dmarc: 'fail',
      dmarcPolicy: 'reject',
      summary: 'fail',
      headerFrom: 'press@gov.example',
    });
    const r = senderTrust(
      v,
      { name: 'Press', address: 'press@gov.example' },
      'Press <press@gov.example>',
      OWN,
    );
    expect(r.level).toBe('possible-spoof');
    expect(r.warnings[0]).toEqual({
      code: 'dmarc-fail',
      message:
        'This message failed the authentication checks of gov.example, whose owner asks for such mail to be rejected. It may not be from gov.example at all.',
    });
  });

  it('DMARC fail under p=none is unverified (the domain asks nothing), still explained', () => {
    const v = verdict({ dkim: 'fail', dmarc: 'fail', dmarcPolicy: 'none', summary: 'fail' });
    const r = senderTrust(v, { name: null, address: 'reporter@example.net' }, 'reporter@example.net', OWN);
    expect(r.level).toBe('unverified');
    expect(codes(r)).toEqual(['dmarc-fail']);
  });

  it('temperror → unverified with a retry note', () => {
    const v = verdict({ dkim: 'temperror', spf: 'temperror', dmarc: 'temperror', summary: 'temperror' });
    const r = senderTrust(v, { name: null, address: 'reporter@example.net' }, 'reporter@example.net', OWN);
    expect(r.level).toBe('unverified');
    expect(codes(r)).toEqual(['auth-temperror']);
  });

  it('A-08: a partial (l=) signature is surfaced and not shown as verified', () => {
    const r = senderTrust(
      verdict({ dkimPartial: true }),
      { name: null, address: 'reporter@example.net' },
      'reporter@example.net',
      OWN,
    );
    expect(r.level).toBe('unverified');
    expect(r.warnings).toEqual([
      {
        code: 'dkim-partial',
        message:
          'Part of this message is not covered by the sender’s signature: text may have been added after it was sent.',
      },
    ]);
  });

  it('A-09: ARC pass from a trusted sealer reads "forwarded"; from an untrusted one it does not help', () => {
    const forwarded = verdict({
      dkim: 'neutral',
      dkimAligned: false,
      dmarc: 'fail',
      dmarcPolicy: 'reject',
      arc: 'pass',
      arcSealer: 'google.com',
    });
    const trusted = senderTrust(
      { ...forwarded, arcTrusted: true, summary: 'pass' },
      { name: null, address: 'reporter@example.net' },
      'reporter@example.net',
      OWN,
    );
    expect(trusted.level).toBe('verified');
    expect(trusted.warnings[0]?.message).toMatch(/^Forwarded by google\.com; .*\(ARC pass\)\.$/);
    const untrusted = senderTrust(
      { ...forwarded, arcTrusted: false, summary: 'fail' },
      { name: null, address: 'reporter@example.net' },
      'reporter@example.net',
      OWN,
    );
    expect(untrusted.level).toBe('possible-spoof');
    expect(codes(untrusted)).toEqual(['dmarc-fail']);
  });

  it('A-10: group-syntax From warns and names the mailbox a reply really goes to', () => {
    const raw = '"Someone" <valid@example.net>:<attacker@example.org>';
    const v = verdict({
      headerFrom: 'attacker@example.org',
      dmarc: 'none',
      summary: 'none',
      dkim: 'none',
      dkimAligned: false,
    });
    const r = senderTrust(v, { name: null, address: 'attacker@example.org' }, `From: ${raw}`, OWN);
    expect(r.level).toBe('possible-spoof');
    const w = r.warnings.find((x) => x.code === 'odd-from-syntax');
    expect(w?.message).toBe(
      `The sender line is unusual (“${raw}”). A reply will go to attacker@example.org only, not to valid@example.net.`,
    );
  });

  it('A-11: mixed-script domains are shown as punycode and flagged', () => {
    const paypal = senderTrust(
      verdict({ headerFrom: 'service@Рaypal.com' }),
      { name: 'PayPal', address: 'service@Рaypal.com' },
      'PayPal <service@Рaypal.com>',
      OWN,
    );
    expect(paypal.level).toBe('possible-spoof');
    expect(paypal.displayAddress).toBe('service@xn--aypal-uye.com');
    expect(paypal.warnings.find((w) => w.code === 'homograph-domain')?.message).toBe(
      'The sender’s domain mixes look-alike letters from different alphabets; its real form is xn--aypal-uye.com, which only imitates paypal.com.',
    );
    const gov = senderTrust(
      verdict({ headerFrom: 'press@gоv.uk' }),
      { name: null, address: 'press@gоv.uk' },
      'press@gоv.uk',
      OWN,
    );
    expect(gov.level).toBe('possible-spoof');
    expect(gov.displayAddress).toMatch(/^press@xn--.*\.uk$/);
    expect(codes(gov)).toContain('homograph-domain');
  });

  it('A-11: a whole-script look-alike (all Cyrillic) is flagged; a genuine non-Latin domain only noted', () => {
    const apple = senderTrust(
      verdict({ headerFrom: 'x@аррӏе.com' }),
      { name: null, address: 'x@аррӏе.com' },
      'x@аррӏе.com',
      OWN,
    );
    expect(apple.level).toBe('possible-spoof');
    expect(codes(apple)).toContain('homograph-domain');
    const arabic = senderTrust(
      verdict({ headerFrom: 'info@مثال.مصر' }),
      { name: null, address: 'info@مثال.مصر' },
      'info@مثال.مصر',
      OWN,
    );
    expect(arabic.level).toBe('verified');
    expect(codes(arabic)).toEqual(['idn-domain']);
    expect(arabic.displayAddress).toMatch(/^info@xn--/);
  });

  it('A-12: a display name holding another address is flagged; the real address is named', () => {
    const r = senderTrust(
      verdict({ headerFrom: 'x@evil.example' }),
      { name: 'press@fco.gov.uk', address: 'x@evil.example' },
      '"press@fco.gov.uk" <x@evil.example>',
      OWN,
    );
    expect(r.level).toBe('possible-spoof');
    expect(r.warnings).toEqual([
      {
        code: 'display-name-address',
        message:
          'The sender’s name shows “press@fco.gov.uk”, but the message really comes from x@evil.example.',
      },
    ]);
    // The same address in the name is harmless.
    const same = senderTrust(
      verdict(),
      { name: 'reporter@example.net', address: 'reporter@example.net' },
      '"reporter@example.net" <reporter@example.net>',
      OWN,
    );
    expect(same.level).toBe('verified');
  });

  it('lookalikes of our own domains are possible spoofs, even when they authenticate', () => {
    for (const domain of ['fco-gov.uk', 'fc0.gov.uk', 'fco.gov.uk.co', 'fcо.gov.uk', 'ffco.gov.uk']) {
      const r = senderTrust(
        verdict({ headerFrom: `press@${domain}` }),
        { name: null, address: `press@${domain}` },
        `press@${domain}`,
        OWN,
      );
      expect(r.level, domain).toBe('possible-spoof');
      expect(codes(r), domain).toContain('lookalike-own-domain');
    }
    const hyphen = senderTrust(
      verdict({ headerFrom: 'press@fco-gov.uk' }),
      { name: null, address: 'press@fco-gov.uk' },
      'press@fco-gov.uk',
      OWN,
    );
    expect(hyphen.warnings.at(-1)?.message).toBe(
      'The sender’s domain fco-gov.uk looks like our own fco.gov.uk but is a different domain.',
    );
    // Unrelated domains and our own, authenticated, are fine.
    expect(
      senderTrust(
        verdict({ headerFrom: 'desk@bbc.co.uk' }),
        { name: null, address: 'desk@bbc.co.uk' },
        'desk@bbc.co.uk',
        OWN,
      ).level,
    ).toBe('verified');
    expect(
      senderTrust(
        verdict({ headerFrom: 'press@fco.gov.uk' }),
        { name: null, address: 'press@fco.gov.uk' },
        'press@fco.gov.uk',
        OWN,
      ).level,
    ).toBe('verified');
  });

  it('mail claiming our own domain that fails authentication is a possible spoof', () => {
    const v = verdict({
      dkim: 'none',
      dkimAligned: false,
      dmarc: 'none',
      summary: 'none',
      headerFrom: 'press@fco.gov.uk',
    });
    const r = senderTrust(v, { name: null, address: 'press@fco.gov.uk' }, 'press@fco.gov.uk', OWN);
    expect(r.level).toBe('possible-spoof');
    expect(codes(r)).toEqual(['own-domain-unverified']);
  });

  it('a verdict for a different mailbox than the reply address is a possible spoof', () => {
    const r = senderTrust(
      verdict({ headerFrom: 'valid@example.net' }),
      { name: null, address: 'attacker@example.org' },
      'attacker@example.org',
      OWN,
    );
    expect(r.level).toBe('possible-spoof');
    expect(codes(r)).toEqual(['from-mismatch']);
  });
});
