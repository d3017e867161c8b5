/**
 * The host page's DataSourceSrv: the instance settings Grafana gives a plugin for the data sources in the
 * boot data (by default one Prometheus, uid `aisre-prometheus`). A reference may be a uid, a name, a
 * `{uid, type}` object or a dashboard variable (`${datasource}`), resolved as Grafana does. `get()` gives
 * no queryable DataSourceApi: plugins here query through `POST /api/ds/query`, which the fake backend serves.
 */
import { type DataSourceApi, type DataSourceInstanceSettings, type ScopedVars } from '@grafana/data';
import { type DataSourceRef } from '@grafana/schema';
import { type DataSourceSrv, type GetDataSourceListFilters, type TemplateSrv } from '@grafana/runtime';

import { type HostDataSource } from '../protocol';

function toInstanceSettings(source: HostDataSource, index: number): DataSourceInstanceSettings {
  return {
    // Deprecated in Grafana, still set by it: older plugins read it.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    id: index + 1,
    uid: source.uid,
    type: source.type,
    name: source.name,
    isDefault: source.isDefault ?? false,
    access: 'proxy',
    readOnly: false,
    jsonData: source.jsonData ?? {},
    meta: {
      id: source.type,
      name: source.type,
      type: 'datasource',
      module: `core:plugin/${source.type}`,
      baseUrl: `public/app/plugins/datasource/${source.type}`,
      info: {
        author: { name: 'Grafana Labs' },
        description: '',
        links: [],
        logos: { small: '', large: '' },
        screenshots: [],
        updated: '',
        version: '',
      },
      metrics: true,
      annotations: true,
    },
  } as DataSourceInstanceSettings;
}

export class HostDataSourceSrv implements DataSourceSrv {
  private readonly settings: DataSourceInstanceSettings[];

  constructor(
    sources: HostDataSource[],
    private readonly templateSrv: TemplateSrv
  ) {
    this.settings = sources.map(toInstanceSettings);
  }

  getInstanceSettings(
    ref?: DataSourceRef | string | null,
    scopedVars?: ScopedVars
  ): DataSourceInstanceSettings | undefined {
    if (ref === null || ref === undefined || ref === 'default') {
      return this.settings.find((s) => s.isDefault) ?? this.settings[0];
    }
    const raw = typeof ref === 'string' ? ref : (ref.uid ?? '');
    const key = this.templateSrv.replace(raw, scopedVars);
    return this.settings.find((s) => s.uid === key) ?? this.settings.find((s) => s.name === key);
  }

  getList(filters: GetDataSourceListFilters = {}): DataSourceInstanceSettings[] {
    const types = filters.type === undefined ? undefined : Array.isArray(filters.type) ? filters.type : [filters.type];
    return this.settings.filter(
      (s) =>
        (!types || types.includes(s.type)) &&
        (!filters.pluginId || s.meta.id === filters.pluginId) &&
        (!filters.filter || filters.filter(s))
    );
  }

  async get(ref?: DataSourceRef | string | null, scopedVars?: ScopedVars): Promise<DataSourceApi> {
    const settings = this.getInstanceSettings(ref, scopedVars);
    if (!settings) {
      throw new Error(`Datasource ${JSON.stringify(ref)} was not found`);
    }
    const notHere = () => {
      throw new Error('the test host has no data source plugins: query through POST /api/ds/query');
    };
    return {
      uid: settings.uid,
      name: settings.name,
      type: settings.type,
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      id: settings.id,
      meta: settings.meta,
      instanceSettings: settings,
      getRef: () => ({ uid: settings.uid, type: settings.type }),
      query: notHere,
      testDatasource: notHere,
    } as unknown as DataSourceApi;
  }

  reload(): void {}

  registerRuntimeDataSource(): void {
    throw new Error('registerRuntimeDataSource is not supported by the test host');
  }
}
