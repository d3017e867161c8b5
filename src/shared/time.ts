/**
 * Times as the SRE reads and types them in the app's pages and the panel: in their Grafana time zone preference
 * (Profile → Preferences; `browser` is the browser's own zone), which getTimeZone() reads once Grafana's boot has
 * set the resolver (setTimeZoneResolver in public/app/app.ts), with the zone named next to every time. What is
 * typed is read in the same zone it is shown in. The Markdown report is the one exception: it is what `aisre impact`
 * prints, in UTC, and says so.
 */
import { dateMath, dateTime, dateTimeFormat, dateTimeParse, getTimeZone } from '@grafana/data';
import { type IncidentAnnotation, isOngoing } from './annotations';

/** How the forms show an absolute time, and the shape they read back. */
const TIME_INPUT_FORMAT = 'YYYY-MM-DD HH:mm:ss';
const SHOWN_FORMAT = 'YYYY-MM-DD HH:mm';
/** A time with its own zone (RFC 3339 `Z` or an offset) means that instant, whatever the preference. */
const EXPLICIT_ZONE = /T.*(Z|[+-]\d\d:?\d\d)$/i;

let browserZone: string | undefined;

/** The zone the preference names: an IANA name or `UTC`; `browser` resolved to the browser's own zone. */
export function userTimeZone(): string {
  const zone = getTimeZone();
  if (!zone || zone === 'browser') {
    // Read once: building an Intl.DateTimeFormat per call cost the Incidents list ~0.3 s per render of its rows.
    return (browserZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone);
  }
  return zone.toLowerCase() === 'utc' ? 'UTC' : zone;
}

/** "2026-11-20 09:00" in the user's zone (seconds only when they are not zero). */
function formatUserTime(ms: number): string {
  return dateTimeFormat(ms, {
    format: ms % 60_000 === 0 ? SHOWN_FORMAT : `${SHOWN_FORMAT}:ss`,
    timeZone: userTimeZone(),
  });
}

/** The user's zone as shown next to a time at that instant: "UTC", "EST", "IST" (else its offset, "+0545"). */
export function zoneName(ms: number): string {
  return dateTimeFormat(ms, { format: 'z', timeZone: userTimeZone() });
}

/** "2026-11-20 09:00 EST" */
export function formatUserTimeWithZone(ms: number): string {
  return `${formatUserTime(ms)} ${zoneName(ms)}`;
}

/** An incident's window: "2026-11-20 14:00 – 17:00 EST" (the second date only when it differs), in whole seconds. */
export function windowLabel(incident: { time: number; timeEnd: number }): string {
  const fromMs = Math.floor(incident.time / 1000) * 1000;
  const toMs = Math.ceil(incident.timeEnd / 1000) * 1000;
  const from = formatUserTime(fromMs);
  const to = formatUserTime(toMs);
  const [fromZone, toZone] = [zoneName(fromMs), zoneName(toMs)];
  const end = from.slice(0, 10) === to.slice(0, 10) ? to.slice(11) : to;
  // A window across a daylight-saving change names both zones.
  return fromZone === toZone ? `${from} – ${end} ${toZone}` : `${from} ${fromZone} – ${end} ${toZone}`;
}

/** The window, or "since 2026-11-20 14:00 UTC (ongoing)" for an incident that has not ended. */
export function incidentWindowLabel(incident: Pick<IncidentAnnotation, 'time' | 'timeEnd' | 'tags'>): string {
  return isOngoing(incident) ? `since ${formatUserTimeWithZone(incident.time)} (ongoing)` : windowLabel(incident);
}

/**
 * Unix milliseconds for "2026-11-20 14:00" (in the user's zone), "2026-11-20T14:00:00Z" or "…+05:30" (that
 * instant), "now-1h" (rounded in the user's zone) or a Unix time (up to 10 digits: seconds; more: milliseconds);
 * undefined when it is none of these.
 */
export function parseTimeInput(text: string, roundUp = false): number | undefined {
  const value = text.trim();
  if (!value) {
    return undefined;
  }
  if (/^\d+$/.test(value)) {
    return value.length <= 10 ? Number(value) * 1000 : Number(value);
  }
  if (value.includes('now') && !dateMath.isValid(value)) {
    return undefined;
  }
  const parsed = EXPLICIT_ZONE.test(value)
    ? dateTime(value)
    : dateTimeParse(value, { roundUp, timeZone: userTimeZone(), format: TIME_INPUT_FORMAT });
  return parsed.isValid() ? parsed.valueOf() : undefined;
}

/** A time as the forms show it, in the user's zone: what parseTimeInput reads back to the same instant. */
export function formatTimeInput(ms: number): string {
  return dateTimeFormat(ms, { format: TIME_INPUT_FORMAT, timeZone: userTimeZone() });
}
