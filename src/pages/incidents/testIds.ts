/** Test ids of the Incidents and Incident pages (jsdom tests, the Chromium harness and the plugin-e2e specs). */
export const incidentsTestIds = {
  table: 'data-testid incidents-table',
  row: 'data-testid incidents-row',
  summary: 'data-testid incidents-summary',
  markForm: 'data-testid incidents-mark-form',
  incident: {
    container: 'data-testid incident-container',
    text: 'data-testid incident-text',
    tags: 'data-testid incident-tags',
    evidence: 'data-testid incident-evidence',
    changes: 'data-testid incident-changes',
    suggestions: 'data-testid incident-suggestions',
    classify: 'data-testid incident-classify',
    conflict: 'data-testid incident-conflict',
    impact: 'data-testid incident-impact',
    links: 'data-testid incident-links',
  },
};
