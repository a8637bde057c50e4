// Saved replies and lines to take hold `{variable}` placeholders that are filled per thread.

/** What filling a template gave: the text, and the placeholders that had nothing to put in. */
export interface FilledTemplate {
  text: string;
  /** Placeholders left in the text as written (unknown, or known with no value), in order, once each. */
  missing: string[];
}

// A placeholder is a brace-wrapped identifier and nothing else, so prose such as "{ see below }",
// "{}" or JSON stays as it is. Letters of any script count, so an Arabic placeholder nobody
// knows is reported rather than silently kept.
const PLACEHOLDER = /\{([\p{L}_][\p{L}\p{N}_]*)\}/gu;

/**
 * Fills `{name}` placeholders from `values` in one pass over the template only: inserted values are
 * never scanned again, so a journalist's name containing "{release_url}" lands literally. A
 * placeholder with no value (unknown, null or blank) stays visible so the officer notices it.
 */
export function fillTemplate(
  template: string,
  values: Readonly<Record<string, string | null | undefined>>,
): FilledTemplate {
  const missing: string[] = [];
  const text = template.replace(PLACEHOLDER, (whole, name: string) => {
    const key = name.toLowerCase();
    const value = Object.hasOwn(values, key) ? values[key] : undefined;
    if (value === null || value === undefined || value.trim() === '') {
      if (!missing.includes(name)) missing.push(name);
      return whole;
    }
    return value;
  });
  return { text, missing };
}

/** The given name in "Rana Haddad", "Haddad, Rana" or "أحمد علي"; null when there is none. */
export function firstNameOf(fullName: string | null | undefined): string | null {
  const name = (fullName ?? '').replace(/\s+/g, ' ').trim();
  if (!name) return null;
  const comma = name.indexOf(',');
  // "Last, First" is how many address books and newsroom systems write names.
  const given = comma > 0 ? name.slice(comma + 1).trim() : name;
  return given.split(' ')[0] || name.split(' ')[0] || null;
}
