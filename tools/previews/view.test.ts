import { previewTimeRanges } from './view';

const HOUR = 3600;
const INCIDENTS = [
  { id: 'infrastructure-1', from: 8 * HOUR, to: 9 * HOUR },
  { id: 'data-retrieval-1', from: 5 * HOUR, to: 6 * HOUR },
];

describe('previewTimeRanges', () => {
  const panels = [
    { id: 1, type: 'aisre-impact-panel', title: 'Impact', gridPos: { x: 0, y: 0, w: 24, h: 12 } },
    { id: 3, type: 'timeseries', title: 'Latency', gridPos: { x: 0, y: 13, w: 12, h: 8 } },
  ];

  it('gives the dashboard its range and the impact panel the incident window, in milliseconds', () => {
    const ranges = previewTimeRanges(panels, { from: HOUR, to: 10 * HOUR, incident: 'infrastructure-1' }, INCIDENTS);
    expect(ranges).toEqual({
      dashboard: { from: HOUR * 1000, to: 10 * HOUR * 1000 },
      panels: { 1: { from: 8 * HOUR * 1000, to: 9 * HOUR * 1000 } },
    });
  });

  it('names the incidents there are when the view asks for one the simulation lacks', () => {
    expect(() => previewTimeRanges(panels, { from: 0, to: HOUR, incident: 'security-9' }, INCIDENTS)).toThrow(
      'no incident security-9 (it has infrastructure-1, data-retrieval-1)'
    );
  });
});
