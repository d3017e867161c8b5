import { NAMING_PRESETS } from '../../core/settings';
import { applyPreset, formFromSettings, settingsFromForm } from './configForm';

describe('the configuration form', () => {
  test('round-trips stored settings', () => {
    const stored = {
      datasourceUid: 'prom',
      metricNames: { llm_requests_total: 'chat_requests_total' },
      labelNames: { model: 'gen_ai_request_model' },
      thresholds: { page: 0.4, minVolume: 0 },
      runbooks: {
        'model-rollback': { url: 'https://wiki.example.com/r' },
        'injection-surface-audit': { markdown: '# Ours' },
      },
    };
    expect(settingsFromForm(formFromSettings(stored))).toEqual({ settings: stored, errors: {} });
    expect(settingsFromForm(formFromSettings({}))).toEqual({ settings: {}, errors: {} });
  });

  test('numbers are parsed strictly: a comma, a % sign or words are errors, not silently wrong values', () => {
    const form = formFromSettings({});
    form.thresholds.page = '0,3';
    form.thresholds.fdr = '5%';
    form.thresholds.minVolume = ' 200 ';
    const { settings, errors } = settingsFromForm(form);
    expect(errors['thresholds.page']).toMatch(/'0,3' is not a number/);
    expect(errors['thresholds.fdr']).toMatch(/'5%' is not a number/);
    expect(settings.thresholds).toEqual({ minVolume: 200 });
  });

  test('a runbook switched to URL or Markdown needs its text; only the chosen one is saved', () => {
    const form = formFromSettings({});
    form.runbooks['model-rollback'] = { mode: 'url', url: '', markdown: 'kept in the form' };
    form.runbooks['retrieval-quarantine'] = { mode: 'markdown', url: 'https://x.example', markdown: '## Ours' };
    const { settings, errors } = settingsFromForm(form);
    expect(errors['runbooks.model-rollback.url']).toMatch(/Enter the runbook’s URL/);
    expect(settings.runbooks).toEqual({ 'retrieval-quarantine': { markdown: '## Ours' } });
  });

  test('a preset fills metric and label names and resets the others to their defaults', () => {
    const form = formFromSettings({
      metricNames: { agent_steps: 'steps' },
      labelNames: { team: 'owner' },
      thresholds: { page: 0.5 },
    });
    const openlit = NAMING_PRESETS.find((p) => p.id === 'openlit')!;
    const { settings, errors } = settingsFromForm(applyPreset(form, openlit));
    expect(errors).toEqual({});
    expect(settings).toEqual({
      metricNames: { rag_retrieval_duration_seconds: 'db_client_operation_duration_seconds' },
      labelNames: { model: 'gen_ai_request_model', service: 'service_name' },
      thresholds: { page: 0.5 },
    });
  });
});
