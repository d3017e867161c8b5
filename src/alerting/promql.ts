/**
 * PromQL written twice at once: the form that reads the recording rules (what the dashboards and the
 * Prometheus alert rules ship) and the same expression on the raw contract series (what a Grafana-
 * managed rule runs without a ruler, and what the benchmark compares against).
 */

/** One expression in both forms; the two return the same series at every instant. */
export interface PromqlPair {
  recorded: string;
  raw: string;
}

/** A recording rule: its name, and its expression on raw series with extra label matchers pushed in. */
export interface Recording {
  name: string;
  /** The rule's expression with `matchers` added to every raw selector (none for the rule itself). */
  rawWith(matchers: readonly string[]): string;
  /** What the rule file evaluates, when not its raw expression: a rollup sums the finer rule's series. */
  ruleExpr?: string;
}

/** Adds label matchers to a selector's existing ones: `m{a="b"}` + [`c=~"d"`] -> `m{a="b", c=~"d"}`. */
export function selector(metric: string, matchers: readonly string[]): string {
  return matchers.length === 0 ? metric : `${metric}{${matchers.join(', ')}}`;
}

/** The recording rule read with label matchers, in both forms. */
export function select(recording: Recording, matchers: readonly string[] = []): PromqlPair {
  return { recorded: selector(recording.name, matchers), raw: `(${recording.rawWith(matchers)})` };
}

/** A literal piece of PromQL, the same in both forms. */
function literal(text: string): PromqlPair {
  return { recorded: text, raw: text };
}

/**
 * Builds an expression from pairs: promql`sum(${a}) / sum(${b})` puts each pair's recorded form into the
 * recorded expression and its raw form into the raw one. Plain strings are inserted in both.
 */
export function promql(strings: TemplateStringsArray, ...parts: Array<PromqlPair | string | number>): PromqlPair {
  let recorded = strings[0];
  let raw = strings[0];
  parts.forEach((part, index) => {
    const pair = typeof part === 'object' ? part : literal(String(part));
    recorded += pair.recorded + strings[index + 1];
    raw += pair.raw + strings[index + 1];
  });
  return { recorded, raw };
}
