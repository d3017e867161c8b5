/**
 * Dashboard variables for the host page: `replaceVariables` in PanelProps and `getTemplateSrv()` both
 * interpolate `$name`, `${name}`, `${name:format}` and `[[name]]` as Grafana does for custom variables,
 * with the formats a panel is likely to ask for (raw, regex, pipe, csv, json, glob, and a function).
 *
 * All, as Grafana's TemplateSrv.replace does (public/app/features/templating/template_srv.ts, 12.4 / 13.0; the
 * same in Scenes' CustomAllValue): with a custom all value (`allValue`, the bundled dashboards' `.*`) the value
 * is written raw, without calling the formatter, unless the format is `text` or `percentencode`; otherwise All
 * stands for every option, formatted like any multi-value.
 */
import { type ScopedVars, type TimeRange, type TypedVariableModel } from '@grafana/data';
import { type TemplateSrv } from '@grafana/runtime';

import { type HostVariable } from '../protocol';

// The same pattern Grafana's TemplateSrv uses: $var, [[var:format]], ${var.field:format}.
const VARIABLE_PATTERN = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\${(\w+)(?:\.([^:^}]+))?(?::([^}]+))?}/g;

const escapeRegex = (value: string) => value.replace(/[\\^$*+?.()|[\]{}\/]/g, '\\$&');

// TemplateSrv's own signature: a format name or a formatting function.
type Format = string | Function | undefined;

const ALL_VALUE = '$__all';
const isAll = (value: string | string[]) => value === ALL_VALUE || (Array.isArray(value) && value[0] === ALL_VALUE);

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
      const all = isAll(variable.value);
      const options = variable.options ?? (all ? [] : values);
      return {
        type: variable.type ?? 'custom',
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
        includeAll: all || variable.allValue !== undefined,
        allValue: variable.allValue ?? null,
        query: options.join(','),
        current: all
          ? { text: ['All'], value: [ALL_VALUE], selected: true }
          : { text: texts, value: values, selected: true },
        // Grafana lists All first when the variable includes it (getAllValue reads options from index 1).
        options: [
          ...(all || variable.allValue !== undefined ? [{ text: 'All', value: ALL_VALUE, selected: all }] : []),
          ...options.map((value, i) => ({ text: texts[i] ?? value, value, selected: !all && values.includes(value) })),
        ],
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
      const fmt = bracketFormat ?? bracedFormat ?? format;
      if (isAll(variable.value)) {
        if (fmt === 'text') {
          return 'All';
        }
        if (variable.allValue !== undefined && fmt !== 'percentencode') {
          return this.replace(variable.allValue);
        }
        return formatValue(variable.options ?? [], fmt);
      }
      return formatValue(variable.value, fmt);
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
