import { presetById } from '../../core/profile';
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

  test('relative thresholds are typed as percentages and stored as fractions, exactly', () => {
    const form = formFromSettings({ thresholds: { investigate: 0.07, pageFdr: 0.001, psiPage: 0.25 } });
    // Shown as the SRE thinks of them: 7 (%), not 0.07 nor 7.000000000000001; PSI stays a PSI.
    expect(form.thresholds).toMatchObject({ investigate: '7', pageFdr: '0.1', psiPage: '0.25', page: '' });
    form.thresholds.page = '30 %';
    form.thresholds.fdr = '2.5';
    expect(settingsFromForm(form).settings.thresholds).toEqual({
      investigate: 0.07,
      page: 0.3,
      fdr: 0.025,
      pageFdr: 0.001,
      psiPage: 0.25,
    });
  });

  test('numbers are parsed strictly: a comma, a stray sign or words are errors, not silently wrong values', () => {
    const form = formFromSettings({});
    form.thresholds.page = '0,3';
    form.thresholds.fdr = 'five';
    form.thresholds.psiPage = '25%';
    form.thresholds.minVolume = ' 200 ';
    const { settings, errors } = settingsFromForm(form);
    expect(errors['thresholds.page']).toMatch(/'0,3' is not a percentage/);
    expect(errors['thresholds.fdr']).toMatch(/'five' is not a percentage/);
    expect(errors['thresholds.psiPage']).toMatch(/'25%' is not a number/);
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

  test('a preset is saved by id, clears the name overrides (the preset names them) and keeps what Detect pinned', () => {
    const form = formFromSettings({
      metricNames: { agent_steps: 'steps' },
      labelNames: { team: 'owner' },
      thresholds: { page: 0.5 },
    });
    const openlit = presetById('openlit');
    const { settings, errors } = settingsFromForm(
      applyPreset(form, openlit, { gen_ai_client_operation_duration_seconds: 'gen_ai_client_operation_duration' })
    );
    expect(errors).toEqual({});
    expect(settings).toEqual({
      preset: 'openlit',
      metricNames: { gen_ai_client_operation_duration_seconds: 'gen_ai_client_operation_duration' },
      thresholds: { page: 0.5 },
    });
    expect(settingsFromForm(applyPreset(form, presetById('contract'))).settings).toEqual({ thresholds: { page: 0.5 } });
  });
});
