/**
 * How numbers, durations and user-supplied text are written in reports. Deterministic (no locale), so the
 * Markdown the panel copies is byte for byte what the CLI prints. Every string that comes from data
 * (label values, annotation text, selectors) goes through escapeMarkdown or codeSpan before it is written.
 */

const DAY_SECONDS = 86_400;

/** 120431 -> "120,431" (rounded to a whole number). */
export function formatCount(n: number): string {
  const rounded = Math.round(n);
  const digits = String(Math.abs(rounded)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return rounded < 0 ? `−${digits}` : digits;
}

/** A share as a percentage with enough digits to tell small rates apart: 0.081 -> "8.1%", 0.0042 -> "0.42%". */
export function formatPercent(ratio: number): string {
  const percent = ratio * 100;
  if (percent === 0) {
    return '0%';
  }
  const digits = Math.abs(percent) < 1 ? 2 : 1;
  return `${percent.toFixed(digits)}%`;
}

/** A relative change with its sign: 1.7 -> "+170%", -0.23 -> "−23%"; Infinity reads "from a zero baseline". */
export function formatSignedPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) {
    return 'from a zero baseline';
  }
  const percent = Math.abs(ratio * 100);
  const text = percent >= 10 ? percent.toFixed(0) : percent.toFixed(1);
  return `${ratio < 0 ? '−' : '+'}${text}%`;
}

/** A difference of two rates in percentage points: 0.051 -> "+5.1 pp". */
export function formatPoints(difference: number): string {
  const points = Math.abs(difference * 100);
  return `${difference < 0 ? '−' : '+'}${points.toFixed(points < 1 ? 2 : 1)} pp`;
}

export function formatPValue(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

/** A statistic such as PSI or a q-value, to two significant digits. */
export function formatStatistic(value: number): string {
  return value === 0 ? '0' : value >= 0.01 ? value.toFixed(2) : value.toPrecision(2);
}

export function formatDuration(seconds: number): string {
  const units: Array<[string, number]> = [
    ['d', DAY_SECONDS],
    ['h', 3600],
    ['min', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [unit, size] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
  }
  return parts.join(' ') || '0 s';
}

/** A value in an SLI's unit: seconds as ms or s, tokens and steps as counts, ratios as decimals. */
export function formatValue(value: number, unit: string): string {
  switch (unit) {
    case 'seconds':
      return value < 1 ? `${Math.round(value * 1000)} ms` : `${trimNumber(value, 2)} s`;
    case 'tokens':
      return `${formatCount(value)} tokens`;
    case 'steps':
      return `${trimNumber(value, 1)} steps`;
    default:
      // Three significant digits, trailing zeros kept: "0.620 vs 0.801", never "0.62 vs 0.801".
      return value.toPrecision(3);
  }
}

function trimNumber(value: number, decimals: number): string {
  return String(Number(value.toFixed(decimals)));
}

/** Unix seconds as the report's RFC 3339 UTC time: 2026-11-24T14:00:00Z (milliseconds only when not zero). */
export function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** An RFC 3339 UTC time as "2026-11-24 14:00 UTC" (seconds only when they are not zero). */
function formatTime(iso: string): string {
  const [date, time] = iso.replace('Z', '').split('T');
  const clock = time.endsWith(':00') ? time.slice(0, 5) : time.slice(0, 8);
  return `${date} ${clock}`;
}

/** "between 2026-11-24 14:00 and 17:00 UTC", dropping the second date when it is the same day. */
export function formatPeriod(from: string, to: string): string {
  const start = formatTime(from);
  const end = formatTime(to);
  const sameDay = start.slice(0, 10) === end.slice(0, 10);
  return `between ${start} and ${sameDay ? end.slice(11) : end} UTC`;
}

// Markdown's own syntax characters, plus the HTML ones: escaped, data can never become a link, an image,
// a table cell boundary or a tag in any Markdown renderer. Runs of line breaks and tabs become one space.
const NEEDS_ESCAPING = /[\r\n\t\\`*_{}[\]()#+\-.!|~&<>"]/;
const ESCAPED = /[\r\n\t]+|[\\`*_{}[\]()#+\-.!|~&<>"]/g;
const HTML_SPECIAL: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** User-supplied text as inert Markdown on one line; most label values need nothing, and are returned as they are. */
export function escapeMarkdown(text: string): string {
  if (!NEEDS_ESCAPING.test(text)) {
    return text;
  }
  // One pass: the three kinds of character are disjoint, and what one kind becomes is never another kind.
  return text.replace(
    ESCAPED,
    (c) => HTML_SPECIAL[c] ?? (c[0] === '\r' || c[0] === '\n' || c[0] === '\t' ? ' ' : `\\${c}`)
  );
}

/** A fenced code block that no backtick run inside `text` can close early. */
export function codeBlock(text: string, language = ''): string {
  const longestRun = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

/** An inline code span that no backtick run inside `text` can close early (CommonMark shows its text as is). */
export function codeSpan(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  // CommonMark strips one space each side; pad only when a backtick at an edge would join the fence.
  const padded = /^`|`$/.test(flat) ? ` ${flat} ` : flat;
  return `${fence}${padded}${fence}`;
}
