/**
 * Reads every PromQL expression out of a dashboard JSON (panel targets, annotation queries, variable
 * queries) and resolves the template variables the way Grafana does for a user who kept the defaults:
 * All -> the variable's allValue (regex), others -> their current value.
 */

export interface DashboardExpression {
  /** Where it comes from, for messages: `panel "Refusals" A`, `annotation "What changed"`, `variable team`. */
  where: string;
  kind: 'panel' | 'annotation' | 'variable';
  expr: string;
}

interface Variable {
  name: string;
  type: string;
  allValue?: string;
  query?: string | { query?: string };
  current?: { value?: string | string[] };
}

interface Dashboard {
  panels?: Array<{
    title?: string;
    type?: string;
    targets?: Array<{ refId?: string; expr?: string }>;
    panels?: unknown[];
  }>;
  annotations?: { list?: Array<{ name?: string; expr?: string; target?: { expr?: string } }> };
  templating?: { list?: Variable[] };
}

export function dashboardExpressions(json: unknown): DashboardExpression[] {
  const dashboard = json as Dashboard;
  const found: DashboardExpression[] = [];
  for (const panel of dashboard.panels ?? []) {
    for (const target of panel.targets ?? []) {
      if (target.expr) {
        found.push({ where: `panel "${panel.title}" ${target.refId}`, kind: 'panel', expr: target.expr });
      }
    }
  }
  for (const annotation of dashboard.annotations?.list ?? []) {
    const expr = annotation.expr ?? annotation.target?.expr;
    if (expr) {
      found.push({ where: `annotation "${annotation.name}"`, kind: 'annotation', expr });
    }
  }
  for (const variable of dashboard.templating?.list ?? []) {
    const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
    if (variable.type === 'query' && query) {
      found.push({ where: `variable ${variable.name}`, kind: 'variable', expr: query });
    }
  }
  return found;
}

/** Grafana's built-in interval variables, at a dashboard's default 6-hour range. */
const BUILT_INS: Record<string, string> = {
  __rate_interval: '5m',
  __interval: '1m',
  __range: '6h',
};

/** The value each variable takes when the user changes nothing. */
export function defaultSelection(json: unknown): Record<string, string> {
  const values: Record<string, string> = { ...BUILT_INS };
  for (const variable of (json as Dashboard).templating?.list ?? []) {
    const current = variable.current?.value;
    const first = Array.isArray(current) ? current[0] : current;
    if (first === '$__all' || first === undefined) {
      values[variable.name] = variable.allValue ?? '.*';
    } else {
      values[variable.name] = first;
    }
  }
  return values;
}

/** Replaces `$name`, `${name}` and `[[name]]`; throws when a variable is unknown. */
export function substituteVariables(expr: string, values: Record<string, string>): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, (match, a?: string, b?: string, c?: string) => {
    const name = a ?? b ?? c ?? '';
    if (!(name in values)) {
      throw new Error(`unknown variable ${match} in ${expr}`);
    }
    return values[name];
  });
}

/** `label_values(selector, label)` -> its parts; undefined for other variable queries. */
export function parseLabelValues(query: string): { match: string; label: string } | undefined {
  const m = /^\s*label_values\(\s*(.+?)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/s.exec(query);
  return m ? { match: m[1], label: m[2] } : undefined;
}
