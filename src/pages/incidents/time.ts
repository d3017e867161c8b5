/** Times an SRE types into the incident forms and the time filter: absolute, Unix, or Grafana's relative `now-1h`. */
import { dateMath, dateTimeFormat } from '@grafana/data';

/** How the forms show an absolute time (in the browser's time zone, as Grafana's own pickers do). */
export const TIME_INPUT_FORMAT = 'YYYY-MM-DD HH:mm:ss';

/**
 * Unix milliseconds for "2026-11-20 14:00", "2026-11-20T14:00:00Z", "now-1h" or a Unix time (up to 10 digits:
 * seconds; more: milliseconds); undefined when it is none of these.
 */
export function parseTimeInput(text: string, roundUp = false): number | undefined {
  const value = text.trim();
  if (!value) {
    return undefined;
  }
  if (/^\d+$/.test(value)) {
    return value.length <= 10 ? Number(value) * 1000 : Number(value);
  }
  const parsed = dateMath.toDateTime(value, { roundUp });
  return parsed && parsed.isValid() ? parsed.valueOf() : undefined;
}

export function formatTimeInput(ms: number): string {
  return dateTimeFormat(ms, { format: TIME_INPUT_FORMAT });
}
