// Local declarations for the parts of mailauth 4.9.5 we use (the package ships no types). Deep
// imports carry `.js` because mailauth has no "exports" map and Node's ESM resolver needs the file.

declare module 'mailauth/lib/dkim/verify.js' {
  export interface MailauthDkimStatus {
    result: string;
    comment?: string;
    aligned?: string | false;
    underSized?: number;
    policy?: Record<string, string>;
    header?: Record<string, unknown>;
  }
  export interface MailauthDkimResult {
    id?: string;
    signingDomain?: string;
    selector?: string;
    modulusLength?: number;
    canonBodyLength?: number;
    canonBodyLengthTotal?: number;
    canonBodyLengthLimited?: boolean;
    status: MailauthDkimStatus;
    info?: string;
  }
  export interface MailauthParsedHeader {
    key: string;
    line: Buffer;
  }
  /** Internal ARC chain data handed from the DKIM pass to `arc()`. */
  export interface MailauthArcData {
    chain: unknown;
    lastEntry?: { 'arc-seal'?: { parsed?: { d?: { value?: string } } } };
    error?: unknown;
  }
  export interface MailauthDkimVerifyResult {
    headerFrom: string[];
    envelopeFrom: string | false;
    results: MailauthDkimResult[];
    /** Non-enumerable. */
    readonly headers?: { parsed: MailauthParsedHeader[] };
    /** Non-enumerable. */
    readonly arc?: MailauthArcData;
  }
  export function dkimVerify(
    input: Buffer | string,
    options: {
      resolver: (name: string, rrtype: string) => Promise<unknown>;
      sender?: string;
      minBitLength?: number;
      curTime?: Date;
    },
  ): Promise<MailauthDkimVerifyResult>;
}

declare module 'mailauth/lib/spf/index.js' {
  export interface MailauthSpfResult {
    domain: string;
    'client-ip'?: string;
    status: { result: string; comment?: string };
    lookups?: { limit: number; count: number; void: number };
    info: string;
    header: string;
  }
  export function spf(options: {
    sender?: string;
    ip?: string;
    helo?: string;
    mta?: string;
    resolver: (name: string, rrtype: string) => Promise<unknown>;
    maxResolveCount?: number;
    maxVoidCount?: number;
  }): Promise<MailauthSpfResult>;
}

declare module 'mailauth/lib/arc/index.js' {
  import type { MailauthArcData } from 'mailauth/lib/dkim/verify.js';
  export interface MailauthArcResult {
    status: { result: string; comment?: string; shouldSeal?: boolean };
    i?: number | false;
    authenticationResults?: Record<string, unknown>;
  }
  export function arc(
    data: MailauthArcData,
    options: { resolver: (name: string, rrtype: string) => Promise<unknown>; minBitLength?: number },
  ): Promise<MailauthArcResult>;
}

declare module 'mailauth/lib/dmarc/index.js' {
  import type { MailauthArcResult } from 'mailauth/lib/arc/index.js';
  export interface MailauthDmarcResult {
    status: { result: string; comment?: string };
    domain: string;
    policy?: string;
    p?: string;
    sp?: string;
    pct?: number;
    error?: string;
  }
  export function dmarc(options: {
    headerFrom: string | string[];
    spfDomains: string[];
    dkimDomains: { id?: string; domain?: string; aligned?: string | false; underSized?: number }[];
    arcResult?: MailauthArcResult;
    resolver: (name: string, rrtype: string) => Promise<unknown>;
  }): Promise<MailauthDmarcResult | false>;
}

declare module 'mailauth/lib/parse-received.js' {
  export interface MailauthReceivedPart {
    value: string;
    comment?: string;
  }
  export type MailauthReceived = Partial<
    Record<'from' | 'by' | 'with' | 'id' | 'for' | 'envelope-from', MailauthReceivedPart>
  > & {
    full: string;
  };
  export function parseReceived(line: Buffer | string): MailauthReceived | false;
}

declare module 'mailauth/lib/dkim/sign.js' {
  export interface MailauthSignatureData {
    signingDomain: string;
    selector: string;
    privateKey: string | Buffer;
    algorithm?: string;
    canonicalization?: string;
    maxBodyLength?: number;
  }
  export function dkimSign(
    input: Buffer | string,
    options: {
      canonicalization?: string;
      algorithm?: string;
      signTime?: Date;
      headerList?: string[];
      signatureData: MailauthSignatureData[];
    },
  ): Promise<{ signatures: string; errors: unknown[] }>;
}

declare module 'mailauth/lib/tools.js' {
  /** Relaxed (organizational-domain) alignment, RFC 7489 §3.1; the matching entry or false. */
  export function getAlignment(
    fromDomain: string,
    domainList: string[],
    strict?: boolean,
  ): { domain: string } | false;
}
