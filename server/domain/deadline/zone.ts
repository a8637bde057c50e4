// Wall-clock time in a zone, both ways, with nothing but Intl.DateTimeFormat: no date library, and
// daylight-saving rules come from the runtime's time-zone data.

/** A zone: an IANA name, or a fixed offset east of UTC in minutes ("GMT", "UTC+3", "CET" read literally). */
export type Zone = { iana: string } | { offset: number };

/** A calendar date and wall-clock time (month 1–12, weekday 0 = Sunday). */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(iana: string): Intl.DateTimeFormat {
  let f = formatters.get(iana);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: iana,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(iana, f);
  }
  return f;
}

/** Minutes the zone is ahead of UTC at `instant`. */
export function offsetAt(instant: number, zone: Zone): number {
  if ('offset' in zone) return zone.offset;
  const p: Record<string, number> = {};
  for (const part of formatter(zone.iana).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

/** The wall-clock time in `zone` at `instant`. */
export function localTime(instant: number, zone: Zone): LocalTime {
  const shifted = new Date(instant + offsetAt(instant, zone) * 60_000);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    weekday: shifted.getUTCDay(),
  };
}

/**
 * The instant at which the wall clock in `zone` shows the given time. Day and hour may overflow
 * (day 32, hour 24) and roll over like Date.UTC. In an autumn overlap the earlier instant wins; a
 * time skipped by a spring change is read with the offset before it (London 01:30 → 02:30 BST).
 */
export function instantOf(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  zone: Zone,
): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const before = offsetAt(wall - 36 * 3_600_000, zone);
  const after = offsetAt(wall + 36 * 3_600_000, zone);
  // Try the earlier offset (the larger, in an autumn change) first; keep it if the clock agrees.
  for (const offset of [Math.max(before, after), Math.min(before, after)]) {
    const candidate = wall - offset * 60_000;
    if (offsetAt(candidate, zone) === offset) return candidate;
  }
  return wall - before * 60_000;
}

/** Calendar arithmetic on a local date: the date `days` later, with its weekday. */
export function addDays(
  t: { year: number; month: number; day: number },
  days: number,
): { year: number; month: number; day: number; weekday: number } {
  const d = new Date(Date.UTC(t.year, t.month - 1, t.day + days));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
  };
}
