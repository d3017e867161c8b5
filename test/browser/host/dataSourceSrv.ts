/**
 * The host page's DataSourceSrv, after Grafana's DatasourceSrv (public/app/features/plugins/datasource_srv.ts,
 * Grafana 12.4 / 13.0) over the data sources of the boot data, which the fake backend writes as
 * pkg/api/frontendsettings.go does:
 * - the default is the data source marked `isDefault`, else `-- Grafana --` (uid `grafana`, type `datasource`);
 * - a `$` reference (`${datasource}`) is interpolated with the first value of the variable, and answered with the
 *   settings' `uid` and `name` left as the reference, `isDefault: false`, and the real data source in `rawRef`;
 * - other references are matched by uid, then name; `getList` leaves out `-- Grafana --`, sorts by name and, with
 *   `variables`, adds one `${name}` entry per data source variable.
 * `get()` gives no queryable DataSourceApi: plugins here query through `POST /api/ds/query`, which the fake backend serves.
 */
import { type DataSourceApi, type DataSourceInstanceSettings, type ScopedVars } from '@grafana/data';
import { type DataSourceRef } from '@grafana/schema';
import { type DataSourceSrv, type GetDataSourceListFilters, type TemplateSrv } from '@grafana/runtime';

import { GRAFANA_DATA_SOURCE, type HostDataSource } from '../protocol';

function toInstanceSettings(source: HostDataSource, index: number): DataSourceInstanceSettings {
  const builtIn = source.uid === GRAFANA_DATA_SOURCE.uid;
  return {
    // Deprecated in Grafana, still set by it: older plugins read it.
    id: builtIn ? -1 : index + 1,
    uid: source.uid,
    type: source.type,
    name: source.name,
    isDefault: source.isDefault ?? false,
    access: 'proxy',
    readOnly: false,
    jsonData: source.jsonData ?? {},
    meta: {
      id: builtIn ? 'grafana' : source.type,
      name: source.type,
      type: 'datasource',
      module: `core:plugin/${builtIn ? 'grafana' : source.type}`,
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

/** Grafana's variableInterpolation: a multi-value data source variable names its first data source. */
const firstValue = (value: unknown) => (Array.isArray(value) ? value[0] : value);

export class HostDataSourceSrv implements DataSourceSrv {
  private readonly byName = new Map<string, DataSourceInstanceSettings>();
  private readonly byUid = new Map<string, DataSourceInstanceSettings>();
  private readonly defaultName: string;

  constructor(
    sources: HostDataSource[],
    private readonly templateSrv: TemplateSrv
  ) {
    [...sources, GRAFANA_DATA_SOURCE].map(toInstanceSettings).forEach((settings) => {
      this.byName.set(settings.name, settings);
      this.byUid.set(settings.uid, settings);
    });
    this.defaultName = sources.find((s) => s.isDefault)?.name ?? GRAFANA_DATA_SOURCE.name;
  }

  getInstanceSettings(
    ref?: DataSourceRef | string | null,
    scopedVars?: ScopedVars
  ): DataSourceInstanceSettings | undefined {
    const nameOrUid = typeof ref === 'string' ? ref : ref?.uid;
    if (nameOrUid === 'default' || nameOrUid === null || nameOrUid === undefined) {
      return this.byUid.get(this.defaultName) ?? this.byName.get(this.defaultName);
    }
    if (nameOrUid.startsWith('$')) {
      const interpolated = this.templateSrv.replace(nameOrUid, scopedVars, firstValue);
      const settings =
        interpolated === 'default'
          ? this.byName.get(this.defaultName)
          : (this.byUid.get(interpolated) ?? this.byName.get(interpolated));
      if (!settings) {
        return undefined;
      }
      return {
        ...settings,
        isDefault: false,
        name: nameOrUid,
        uid: nameOrUid,
        rawRef: { type: settings.type, uid: settings.uid },
      };
    }
    return this.byUid.get(nameOrUid) ?? this.byName.get(nameOrUid);
  }

  getList(filters: GetDataSourceListFilters = {}): DataSourceInstanceSettings[] {
    const types = filters.type === undefined ? undefined : Array.isArray(filters.type) ? filters.type : [filters.type];
    const list = [...this.byName.values()].filter(
      (s) =>
        s.meta.id !== 'grafana' &&
        (!types || types.includes(s.type)) &&
        (!filters.pluginId || s.meta.id === filters.pluginId) &&
        (!filters.filter || filters.filter(s))
    );
    if (filters.variables) {
      for (const variable of this.templateSrv.getVariables()) {
        if (variable.type !== 'datasource') {
          continue;
        }
        const value = firstValue(variable.current.value);
        const settings =
          this.byName.get(value === 'default' ? this.defaultName : String(value)) ?? this.byUid.get(String(value));
        if (settings) {
          list.push({ ...settings, isDefault: false, name: `\${${variable.name}}`, uid: `\${${variable.name}}` });
        }
      }
    }
    return list.sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
  }

  async get(ref?: DataSourceRef | string | null, scopedVars?: ScopedVars): Promise<DataSourceApi> {
    const found = this.getInstanceSettings(ref, scopedVars);
    const settings = found?.rawRef ? this.getInstanceSettings(found.rawRef) : found;
    if (!settings) {
      throw { message: `Datasource ${typeof ref === 'string' ? ref : ref?.uid} was not found` };
    }
    const notHere = () => {
      throw new Error('the test host has no data source plugins: query through POST /api/ds/query');
    };
    return {
      uid: settings.uid,
      name: settings.name,
      type: settings.type,
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
