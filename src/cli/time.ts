/** Times and durations on the command line: RFC 3339, Unix seconds, `now` and `now-3h`. */
import { UsageError } from './errors';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** The times a report can name: 1970-01-01 to 9999-12-31, the years an RFC 3339 date can write. */
const LATEST_TIME = Date.UTC(9999, 11, 31, 23, 59, 59) / 1000;

/** "90s", "15m", "3h", "7d", "1w" -> seconds. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(text.trim());
  if (!match) {
    throw new UsageError(`${flag}: '${text}' is not a duration such as 90s, 15m, 3h or 7d`);
  }
  return Number(match[1]) * UNIT_SECONDS[match[2]];
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|([+-])(\d{2}):(\d{2}))$/i;

/** RFC 3339 parsed field by field: Date.parse would read 2026-02-30 as March 2 without a word. */
function parseRfc3339(value: string): number | undefined {
  const m = RFC3339.exec(value);
  if (!m) {
    return undefined;
  }
  const [year, month, day, hour, minute, second = 0] = m.slice(1, 7).map(Number);
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(utc);
  const offsetHours = Number(m[10] ?? 0);
  const offsetMinutes = Number(m[11] ?? 0);
  const valid =
    back.getUTCFullYear() === year &&
    back.getUTCMonth() === month - 1 &&
    back.getUTCDate() === day &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHours <= 23 &&
    offsetMinutes <= 59;
  if (!valid) {
    return NaN;
  }
  const offset = (m[9] === '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
  return utc / 1000 + Number(m[7] ?? 0) - offset;
}

/**
 * RFC 3339 / ISO 8601 with a zone, Unix seconds, `now`, or `now-<duration>` -> Unix seconds, to the
 * millisecond (what PromQL ranges and times carry). `now` is the current whole second.
 */
export function parseTime(text: string, flag: string, now = Math.floor(Date.now() / 1000)): number {
  const value = text.trim();
  let seconds: number | undefined;
  if (/^\d+(\.\d+)?$/.test(value)) {
    seconds = Number(value);
  } else {
    const relative = /^now(?:-(.+))?$/.exec(value);
    seconds = relative ? (relative[1] ? now - parseDuration(relative[1], flag) : now) : parseRfc3339(value);
  }
  if (seconds === undefined) {
    // A time without a zone would silently mean the machine's zone: ask for one instead.
    throw new UsageError(
      `${flag}: '${text}' is not a time; use RFC 3339 with a zone (2026-11-24T14:00:00Z), Unix seconds, now or now-3h`
    );
  }
  if (/\.\d{4,}/.test(value)) {
    throw new UsageError(`${flag}: '${text}' is finer than a millisecond, which Prometheus cannot query`);
  }
  if (Number.isNaN(seconds)) {
    throw new UsageError(`${flag}: '${text}' is not a date that exists (check the day of the month and the clock)`);
  }
  return checkTime(seconds, flag, text);
}

/** A time the report can name: 1970..9999, kept to the millisecond. */
function checkTime(seconds: number, flag: string, text = String(seconds)): number {
  if (!(seconds >= 0 && seconds <= LATEST_TIME)) {
    const hint =
      seconds > LATEST_TIME && seconds / 1000 <= LATEST_TIME ? ' (it looks like milliseconds: give seconds)' : '';
    throw new UsageError(`${flag}: '${text}' is outside 1970-01-01 .. 9999-12-31${hint}`);
  }
  return Math.round(seconds * 1000) / 1000;
}
