import {
  codeBlock,
  escapeMarkdown,
  formatCount,
  formatDuration,
  formatPercent,
  formatPeriod,
  formatSignedPercent,
  formatValue,
  rfc3339,
  rfc3339Seconds,
  truncateText,
} from './format';

describe('format', () => {
  test('counts, percentages and changes are written without the locale', () => {
    expect(formatCount(120_431)).toBe('120,431');
    expect(formatCount(-6_140.4)).toBe('−6,140');
    expect(formatPercent(0.081)).toBe('8.1%');
    expect(formatPercent(0.0042)).toBe('0.42%');
    expect(formatSignedPercent(1.7)).toBe('+170%');
    expect(formatSignedPercent(-0.052)).toBe('−5.2%');
    expect(formatSignedPercent(Infinity)).toBe('from a zero baseline');
  });

  test('the report reads its own times back', () => {
    for (const seconds of [0, 1_795_140_000, 1_795_140_000.25]) {
      expect(rfc3339Seconds(rfc3339(seconds))).toBe(seconds);
    }
  });

  test('incident text on one line, cut with an ellipsis only when longer than allowed', () => {
    expect(truncateText('  provider timeouts\n\ton /chat  ')).toBe('provider timeouts on /chat');
    expect(truncateText('abcdef', 6)).toBe('abcdef');
    expect(truncateText('abcdefg', 6)).toBe('abcde…');
    expect(truncateText('abcdefg', 6)).toHaveLength(6);
  });

  test('durations, periods and values in their unit', () => {
    expect(formatDuration(10_800)).toBe('3 h');
    expect(formatDuration(90_061)).toBe('1 d 1 h 1 min 1 s');
    expect(formatPeriod('2026-11-24T14:00:00Z', '2026-11-25T02:30:15Z')).toBe(
      'between 2026-11-24 14:00 and 2026-11-25 02:30:15 UTC'
    );
    expect(formatValue(0.84, 'seconds')).toBe('840 ms');
    expect(formatValue(1.8449, 'seconds')).toBe('1.84 s');
    expect(formatValue(312.4, 'tokens')).toBe('312 tokens');
    expect(formatValue(0.6251, 'ratio')).toBe('0.625');
  });

  test('a code block fence is longer than any backtick run inside', () => {
    expect(codeBlock('a ``` b', 'promql')).toBe('````promql\na ``` b\n````');
  });

  test('escaping is the three passes it was defined as (breaks, Markdown, HTML), in one pass', () => {
    // The definition, pass by pass: a faster escapeMarkdown must write exactly this.
    const html: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
    const definition = (text: string) =>
      text
        .replace(/[\r\n\t]+/g, ' ')
        .replace(/[\\`*_{}[\]()#+\-.!|~]/g, (c) => `\\${c}`)
        .replace(/[&<>"]/g, (c) => html[c]);
    const alphabet = [...'ab \r\n\t\\`*_{}[]()#+-.!|~&<>"\';:/=ü'];
    let seed = 7;
    const next = () => (seed = (seed * 16_807) % 2_147_483_647);
    for (let i = 0; i < 2_000; i++) {
      const text = Array.from({ length: next() % 12 }, () => alphabet[next() % alphabet.length]).join('');
      expect(escapeMarkdown(text)).toBe(definition(text));
    }
    expect(escapeMarkdown('/v1/chat')).toBe('/v1/chat');
    expect(escapeMarkdown('a|b\n<c>')).toBe('a\\|b &lt;c&gt;');
  });
});
