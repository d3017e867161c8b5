/**
 * The host page's DataSourceSrv and TemplateSrv answer as Grafana's do (see the conformance table in
 * ../README.md): these are what the panel and the pages read a `${datasource}` reference and "All" through.
 */
import { DEFAULT_DATA_SOURCES, type HostDataSource, type HostVariable } from '../protocol';
import { HostDataSourceSrv } from './dataSourceSrv';
import { HostTemplateSrv } from './templateSrv';

const PROMETHEUS = DEFAULT_DATA_SOURCES[0];
const LOKI: HostDataSource = { uid: 'loki-uid', type: 'loki', name: 'Logs' };

function services(variables: HostVariable[], sources = [PROMETHEUS, LOKI]) {
  const templateSrv = new HostTemplateSrv(variables);
  return { templateSrv, dataSourceSrv: new HostDataSourceSrv(sources, templateSrv) };
}

describe('HostDataSourceSrv (datasource_srv.ts)', () => {
  it('answers a ${datasource} reference with uid and name un-interpolated and the real data source in rawRef', () => {
    const { dataSourceSrv } = services([{ name: 'datasource', type: 'datasource', value: PROMETHEUS.uid }]);
    expect(dataSourceSrv.getInstanceSettings('${datasource}')).toMatchObject({
      uid: '${datasource}',
      name: '${datasource}',
      type: 'prometheus',
      isDefault: false,
      rawRef: { uid: PROMETHEUS.uid, type: 'prometheus' },
    });
    expect(dataSourceSrv.getInstanceSettings({ uid: PROMETHEUS.uid })).toMatchObject({
      uid: PROMETHEUS.uid,
      name: 'Prometheus',
    });
    expect(dataSourceSrv.getInstanceSettings('Logs')?.uid).toBe(LOKI.uid);
    expect(dataSourceSrv.getInstanceSettings('${nothere}')).toBeUndefined();
  });

  it('defaults to -- Grafana -- when no data source is marked default (frontendsettings.go)', () => {
    const { dataSourceSrv } = services([]);
    expect(PROMETHEUS.isDefault).toBe(false);
    expect(dataSourceSrv.getInstanceSettings(null)).toMatchObject({
      uid: 'grafana',
      name: '-- Grafana --',
      type: 'datasource',
    });
    const marked = services([], [LOKI, { ...PROMETHEUS, isDefault: true }]).dataSourceSrv;
    expect(marked.getInstanceSettings(undefined)?.uid).toBe(PROMETHEUS.uid);
  });

  it('lists by name without -- Grafana --, and adds ${name} for each data source variable when asked', () => {
    const { dataSourceSrv } = services([{ name: 'datasource', type: 'datasource', value: PROMETHEUS.uid }]);
    expect(dataSourceSrv.getList().map((s) => s.name)).toEqual(['Logs', 'Prometheus']);
    expect(dataSourceSrv.getList({ variables: true, type: 'prometheus' }).map((s) => s.uid)).toEqual([
      '${datasource}',
      PROMETHEUS.uid,
    ]);
  });
});

describe('HostTemplateSrv (template_srv.ts)', () => {
  const formatter = jest.fn((value: string | string[]) => `<${([] as string[]).concat(value).join('|')}>`);
  afterEach(() => formatter.mockClear());

  it('writes a custom all value raw, without calling the formatter (unless the format is text)', () => {
    const { templateSrv } = services([
      { name: 'team', type: 'query', value: ['$__all'], allValue: '.*', options: ['a', 'b'] },
    ]);
    expect(templateSrv.replace('team=~"${team}"', undefined, formatter)).toBe('team=~".*"');
    expect(formatter).not.toHaveBeenCalled();
    expect(templateSrv.replace('${team:text}')).toBe('All');
  });

  it('expands All without a custom all value to every option, through the formatter', () => {
    const { templateSrv } = services([{ name: 'team', type: 'query', value: ['$__all'], options: ['a', 'b'] }]);
    expect(templateSrv.replace('${team}', undefined, formatter)).toBe('<a|b>');
    expect(formatter).toHaveBeenCalledWith(['a', 'b']);
    expect(templateSrv.replace('${team:pipe}')).toBe('a|b');
    expect(templateSrv.getVariables()[0]).toMatchObject({
      includeAll: true,
      current: { value: ['$__all'] },
      options: [{ value: '$__all' }, { value: 'a' }, { value: 'b' }],
    });
  });

  it('formats a chosen value as usual', () => {
    const { templateSrv } = services([{ name: 'team', value: ['a', 'b'] }]);
    expect(templateSrv.replace('${team:regex}')).toBe('(a|b)');
    expect(templateSrv.replace('$team', undefined, formatter)).toBe('<a|b>');
  });
});
