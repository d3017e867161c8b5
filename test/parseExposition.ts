/**
 * A small reader for the text the simulator writes (OpenMetrics / Prometheus text with optional timestamps),
 * so tests can check the output as a scraper or a backfill would read it, independently of how it was written.
 */

export type ExpositionLine =
  | { kind: 'type'; family: string; type: string }
  | { kind: 'help'; family: string; help: string }
  | { kind: 'eof' }
  | { kind: 'sample'; name: string; labels: Record<string, string>; value: number; timestamp: number | null };

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(?:\s+(\S+))?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/y;

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const start = LABEL.lastIndex;
    const match = LABEL.exec(text);
    if (!match) {
      throw new Error(`bad labels at ${start} in: ${line}`);
    }
    labels[match[1]] = match[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

function parseValue(text: string): number {
  if (text === '+Inf') {
    return Infinity;
  }
  if (text === '-Inf') {
    return -Infinity;
  }
  return Number(text);
}

/** Every non-empty line, in order; throws on a line that is neither a known comment nor a sample. */
export function parseExposition(text: string): ExpositionLine[] {
  const lines: ExpositionLine[] = [];
  for (const line of text.split('\n')) {
    if (line === '') {
      continue;
    }
    if (line === '# EOF') {
      lines.push({ kind: 'eof' });
      continue;
    }
    const comment = /^# (TYPE|HELP) (\S+) (.*)$/.exec(line);
    if (comment) {
      lines.push(
        comment[1] === 'TYPE'
          ? { kind: 'type', family: comment[2], type: comment[3] }
          : { kind: 'help', family: comment[2], help: comment[3] }
      );
      continue;
    }
    const sample = SAMPLE.exec(line);
    if (!sample) {
      throw new Error(`not a sample: ${line}`);
    }
    lines.push({
      kind: 'sample',
      name: sample[1],
      labels: sample[3] ? parseLabels(sample[3], line) : {},
      value: parseValue(sample[4]),
      timestamp: sample[5] === undefined ? null : Number(sample[5]),
    });
  }
  return lines;
}

/** A series' identity: its name and labels in a stable order. */
export function seriesKey(name: string, labels: Record<string, string>): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((key) => `${key}=${JSON.stringify(labels[key])}`);
  return `${name}{${pairs.join(',')}}`;
}
