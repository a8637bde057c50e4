/** A release as the matcher sees it (the catalogue row, text already extracted). */
export interface CatalogueRelease {
  id: number;
  url: string;
  title: string;
  /** ISO 639-1 code of the release text (`en`, `ar`, `ur` …). */
  language: string;
  publishedAt: Date;
  body: string;
  /** Translations share it: the original's id (an original's familyId is its own id). */
  familyId: number;
}

/** What the matcher reads from one message. */
export interface EnquiryText {
  subject: string;
  /** The sender's own words. */
  newText: string;
  /** Quoted history, forwarded content, signature. */
  quotedText: string;
  date: Date;
}

export type EvidenceKind = 'url' | 'title' | 'quote' | 'similarity' | 'entities' | 'recency';

export interface Evidence {
  kind: EvidenceKind;
  detail: string;
  weight: number;
}

export interface MatchResult {
  /** The release to link (the cited language version, else the family's original), or null. */
  releaseId: number | null;
  familyId: number | null;
  /** How sure, in [0, 1]; also reported when releaseId is null (for the best rejected candidate). */
  confidence: number;
  /** The deciding evidence in words a press officer can read. */
  reason: string;
  evidence: Evidence[];
  /** Best releases first (one per family), for debugging and the "choose a release" UI. */
  candidates: { releaseId: number; score: number }[];
}

export interface MatchOptions {
  /** Minimum confidence to link; defaults to DEFAULT_THRESHOLD. */
  threshold?: number;
}
