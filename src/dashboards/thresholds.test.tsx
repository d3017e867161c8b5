/**
 * The investigate and page lines of a dashboard panel are Grafana transformations of its baseline series: run
 * them through @grafana/data's own transformDataFrame, on frames shaped as the Prometheus data source returns
 * them (the legend as displayNameFromDS), and check they draw baseline × 1.05 and × 1.30. A .tsx file, so it
 * runs in the browser project: @grafana/data needs a window.
 */
import {
  type DataFrame,
  type DataTransformerConfig,
  FieldType,
  standardTransformers,
  standardTransformersRegistry,
  toDataFrame,
  transformDataFrame,
} from '@grafana/data';
import { lastValueFrom } from 'rxjs';

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

beforeAll(() => {
  // standardTransformers lists some transformers under two names: register each once.
  const unique = new Map(Object.values(standardTransformers).map((t) => [t.id, t]));
  standardTransformersRegistry.setInit(() =>
    [...unique.values()].map((transformation) => ({
      id: transformation.id,
      name: transformation.name,
      description: transformation.description,
      transformation,
      editor: () => null,
      imageDark: '',
      imageLight: '',
    }))
  );
});

const frame = (legend: string, values: number[]): DataFrame =>
  toDataFrame({
    fields: [
      { name: 'Time', type: FieldType.time, values: values.map((_, i) => 1_700_000_000_000 + i * 60_000) },
      { name: 'Value', type: FieldType.number, values, config: { displayNameFromDS: legend } },
    ],
  });

function panel(title: string) {
  // The shipped JSON (dashboards.test.ts checks it is what build.ts makes).
  const dashboard = JSON.parse(readFileSync(join(__dirname, 'model-slis.json'), 'utf8'));
  const found = (dashboard.panels as Array<{ title: string; transformations?: DataTransformerConfig[] }>).find(
    (p) => p.title === title
  );
  if (!found?.transformations) {
    throw new Error(`no panel '${title}' with transformations`);
  }
  return found;
}

const lines = (frames: DataFrame[]) =>
  frames.flatMap((f) =>
    f.fields
      .filter((field) => field.type === FieldType.number)
      .map((field) => [
        field.config.displayName ?? field.config.displayNameFromDS,
        field.values.map((v) => Math.round(v * 1e6) / 1e6),
      ])
  );

it('draws investigate and page lines from the baseline where higher is worse', async () => {
  const { transformations } = panel('Errors (share of requests)');
  const out = await lastValueFrom(
    transformDataFrame(transformations!, [frame('Errors', [0.02, 0.05]), frame('Baseline', [0.01, 0.02])])
  );
  expect(lines(out)).toEqual([
    ['Errors', [0.02, 0.05]],
    ['Baseline', [0.01, 0.02]],
    ['Investigate (+5%)', [0.0105, 0.021]],
    ['Page (+30%)', [0.013, 0.026]],
  ]);
});

it('draws both ways for a distribution where a move either way is bad, from its headline baseline', async () => {
  const { transformations } = panel('Response length vs baseline');
  const out = await lastValueFrom(
    transformDataFrame(transformations!, [frame('p50', [210]), frame('Baseline p50', [200])])
  );
  expect(lines(out)).toEqual([
    ['p50', [210]],
    ['Baseline p50', [200]],
    ['Investigate (+5%)', [210]],
    ['Page (+30%)', [260]],
    ['Investigate (−5%)', [190]],
    ['Page (−30%)', [140]],
  ]);
});
