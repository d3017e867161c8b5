/**
 * Dashboard variables for the host page: `replaceVariables` in PanelProps and `getTemplateSrv()` both
 * interpolate `$name`, `${name}`, `${name:format}` and `[[name]]` as Grafana does for custom variables,
 * with the formats a panel is likely to ask for (raw, regex, pipe, csv, json, glob, and a function).
 */
import { type ScopedVars, type TimeRange, type TypedVariableModel } from '@grafana/data';
import { type TemplateSrv } from '@grafana/runtime';

import { type HostVariable } from '../protocol';

// The same pattern Grafana's TemplateSrv uses: $var, [[var:format]], ${var.field:format}.
const VARIABLE_PATTERN = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\${(\w+)(?:\.([^:^}]+))?(?::([^}]+))?}/g;

const escapeRegex = (value: string) => value.replace(/[\\^$*+?.()|[\]{}\/]/g, '\\$&');

// TemplateSrv's own signature: a format name or a formatting function.
type Format = string | Function | undefined;

function formatValue(value: string | string[], format: Format): string {
  if (typeof format === 'function') {
    return String(format(value));
  }
  const values = Array.isArray(value) ? value : [value];
  switch (format) {
    case 'regex':
      return values.length === 1 ? escapeRegex(values[0]) : `(${values.map(escapeRegex).join('|')})`;
    case 'pipe':
      return values.join('|');
    case 'csv':
      return values.join(',');
    case 'json':
      return JSON.stringify(Array.isArray(value) ? values : values[0]);
    case 'raw':
    case 'text':
      return values.join(',');
    case 'glob':
    default:
      // Grafana's default for a multi-value variable is a glob list; a single value is itself.
      return values.length === 1 ? values[0] : `{${values.join(',')}}`;
  }
}

export class HostTemplateSrv implements TemplateSrv {
  private timeRange: TimeRange | undefined;

  constructor(private variables: HostVariable[] = []) {}

  setVariables(variables: HostVariable[]): void {
    this.variables = variables;
  }

  getVariables(): TypedVariableModel[] {
    return this.variables.map((variable, index) => {
      const values = Array.isArray(variable.value) ? variable.value : [variable.value];
      const texts =
        variable.text === undefined ? values : Array.isArray(variable.text) ? variable.text : [variable.text];
      return {
        type: 'custom',
        id: variable.name,
        name: variable.name,
        label: variable.name,
        index,
        rootStateKey: 'aisre-host',
        global: false,
        hide: 0,
        skipUrlSync: false,
        state: 'Done',
        error: null,
        description: null,
        multi: Array.isArray(variable.value),
        includeAll: false,
        allValue: null,
        query: values.join(','),
        current: { text: texts, value: values, selected: true },
        options: values.map((value, i) => ({ text: texts[i] ?? value, value, selected: true })),
      } as unknown as TypedVariableModel;
    });
  }

  replace(target?: string, scopedVars?: ScopedVars, format?: Format): string {
    if (!target) {
      return target ?? '';
    }
    return target.replace(VARIABLE_PATTERN, (match, plain, bracket, bracketFormat, braced, _field, bracedFormat) => {
      const name: string = plain ?? bracket ?? braced;
      const scoped = scopedVars?.[name];
      if (scoped) {
        return formatValue(String(scoped.value), format ?? bracketFormat ?? bracedFormat);
      }
      const variable = this.variables.find((v) => v.name === name);
      if (!variable) {
        return match;
      }
      return formatValue(variable.value, bracketFormat ?? bracedFormat ?? format);
    });
  }

  containsTemplate(target?: string): boolean {
    if (!target) {
      return false;
    }
    for (const match of target.matchAll(VARIABLE_PATTERN)) {
      const name = match[1] ?? match[2] ?? match[4];
      if (this.variables.some((v) => v.name === name)) {
        return true;
      }
    }
    return false;
  }

  updateTimeRange(timeRange: TimeRange): void {
    this.timeRange = timeRange;
  }

  getTimeRange(): TimeRange | undefined {
    return this.timeRange;
  }
}
