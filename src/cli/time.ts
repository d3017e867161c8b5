/** Times and durations on the command line: RFC 3339, Unix seconds, `now` and `now-3h`. */
import { UsageError } from './errors';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** "90s", "15m", "3h", "7d", "1w" -> seconds. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(text.trim());
  if (!match) {
    throw new UsageError(`${flag}: '${text}' is not a duration such as 90s, 15m, 3h or 7d`);
  }
  return Number(match[1]) * UNIT_SECONDS[match[2]];
}

/** RFC 3339 / ISO 8601 with a zone, Unix seconds, `now`, or `now-<duration>` -> Unix seconds. */
export function parseTime(text: string, flag: string, now = Date.now() / 1000): number {
  const value = text.trim();
  if (/^\d+(\.\d+)?$/.test(value)) {
    return Number(value);
  }
  const relative = /^now(?:-(.+))?$/.exec(value);
  if (relative) {
    return relative[1] ? now - parseDuration(relative[1], flag) : now;
  }
  // A time without a zone would silently mean the machine's zone: ask for one instead.
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) {
      return ms / 1000;
    }
  }
  throw new UsageError(
    `${flag}: '${text}' is not a time; use RFC 3339 with a zone (2026-11-24T14:00:00Z), Unix seconds, now or now-3h`
  );
}
