/** The "Data source" panel option: a Prometheus data source, or a dashboard variable such as `${datasource}`. */
import { type StandardEditorProps } from '@grafana/data';
import { DataSourcePicker } from '@grafana/runtime';
import React from 'react';
import { PROMQL_DATASOURCE_TYPES } from '../../shared/promqlDataSources';
import { DATASOURCE_VARIABLE } from './types';

export function DataSourceOptionEditor({ value, onChange }: StandardEditorProps<string>) {
  return (
    <DataSourcePicker
      current={value || DATASOURCE_VARIABLE}
      variables
      noDefault
      filter={(ds) => PROMQL_DATASOURCE_TYPES.includes(ds.type) || ds.uid.startsWith('$')}
      onChange={(ds) => onChange(ds.uid)}
    />
  );
}
