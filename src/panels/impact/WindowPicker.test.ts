import { type IncidentAnnotation } from '../../shared/annotations';
import { incidentLabel } from './WindowPicker';

function incident(tags: string[], text = 'provider timeouts on /chat'): IncidentAnnotation {
  // 2026-11-20 02:00 – 03:00 UTC (the tests run in UTC, Grafana's default zone when no preference is set).
  return { id: 1, time: 1_795_140_000_000, timeEnd: 1_795_143_600_000, text, tags, dashboardUID: null };
}

describe('incidentLabel', () => {
  test('names the window, the category the Incidents list reads and the text', () => {
    expect(incidentLabel(incident(['ai-incident', ' ai-category:infrastructure ', 'team:x']))).toBe(
      '2026-11-20 02:00 – 03:00 UTC · infrastructure · provider timeouts on /chat'
    );
  });

  test('an ongoing incident (a point at its start, tagged ai-ongoing) reads since its start, not as an empty window', () => {
    const ongoing = { ...incident(['ai-incident', 'ai-ongoing']), timeEnd: 1_795_140_000_000 };
    expect(incidentLabel(ongoing)).toBe(
      'since 2026-11-20 02:00 UTC (ongoing) · unclassified · provider timeouts on /chat'
    );
  });

  test('an unreadable category (unknown, or two different ones) reads unclassified, as in the list', () => {
    expect(incidentLabel(incident(['ai-incident', 'ai-category:nonsense']))).toContain(' · unclassified · ');
    expect(
      incidentLabel(incident(['ai-incident', 'ai-category:infrastructure', 'ai-category:data-retrieval']))
    ).toContain(' · unclassified · ');
    expect(incidentLabel(incident(['ai-incident']))).toContain(' · unclassified · ');
  });

  test('long or multi-line text is cut to one line of 80 characters', () => {
    const label = incidentLabel(incident(['ai-incident'], `first line\n${'x'.repeat(200)}`));
    const text = label.split(' · ')[2];
    expect(text).toHaveLength(80);
    expect(text.startsWith('first line x')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
  });
});
