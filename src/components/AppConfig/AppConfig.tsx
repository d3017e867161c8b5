/**
 * The app's Configuration page (Administration → Plugins → AI Reliability): the Prometheus data source, metric
 * and label name mapping, thresholds, minimum volume and runbook overrides, saved as the app's jsonData.
 *
 * Who may save is Grafana's decision: plugin.json shows the page to Admins, and the settings API answers 403 to
 * anyone else. The boot data only tells us early, to show a read-only view instead of a form that will fail.
 * The app keeps no secrets, so there is no secureJsonData.
 */
import { type AppPluginMeta, type GrafanaTheme2, type PluginConfigPageProps } from '@grafana/data';
import { config } from '@grafana/runtime';
import { css } from '@emotion/css';
import { Alert, Button, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';
import React, { useMemo, useState } from 'react';
import { useAsync } from 'react-use';
import { type AppSettings, jsonDataWithSettings, normaliseSettings, type SettingsErrors } from '../../core/settings';
import { type GrafanaApiError } from '../../shared/grafanaApi';
import {
  fetchPluginSettings,
  type PluginSettings,
  savePluginSettings,
  settingsFailureMessage,
} from '../../shared/settings';
import { testIds } from '../testIds';
import { ConfigFields } from './ConfigFields';
import { type ConfigForm, formFromSettings, inputIdOf, settingsFromForm } from './configForm';

export type { AppSettings } from '../../core/settings';

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<AppSettings>> {}

/**
 * May this user change the app's settings? Grafana's boot data says before we try: the RBAC permission
 * `plugins:write`, or the Admin role. undefined when it cannot tell; the save's 403 is the real guard.
 */
function mayEditSettings(): boolean | undefined {
  const user = config.bootData?.user;
  if (!user) {
    return undefined;
  }
  if (!user.isSignedIn) {
    return false;
  }
  return user.permissions?.['plugins:write'] === true || user.orgRole === 'Admin' || user.isGrafanaAdmin === true;
}

/** What the page edits: Grafana's stored settings, or the plugin meta's when they could not be read. */
interface Loaded {
  enabled: boolean;
  pinned: boolean;
  stored: Record<string, unknown>;
  warning?: GrafanaApiError;
}

type SaveStatus =
  | { kind: 'idle' }
  | { kind: 'invalid'; count: number }
  | { kind: 'saving' }
  | { kind: 'saved' }
  | { kind: 'failed'; failure: GrafanaApiError };

function SaveMessage({ status }: { status: SaveStatus }) {
  switch (status.kind) {
    case 'invalid':
      return (
        <Alert severity="error" title="Not saved: fix the highlighted fields">
          {status.count === 1 ? 'One field needs' : `${status.count} fields need`} a change before the settings can be
          saved. Your input is kept.
        </Alert>
      );
    case 'saved':
      return (
        <Alert severity="success" title="Settings saved">
          Pages opened from now on use them. Reload pages that are already open.
        </Alert>
      );
    case 'failed':
      return (
        <Alert
          severity="error"
          title={status.failure.kind === 'permission' ? 'Not saved: permission denied' : 'Not saved'}
        >
          {settingsFailureMessage(status.failure, 'save')} Your input is still in the form.
        </Alert>
      );
    default:
      return null;
  }
}

const AppConfig = ({ plugin }: AppConfigProps) => {
  const meta = plugin.meta;
  // Grafana caches plugin meta for the session: read what is stored now, so a second visit shows the last save.
  const stored = useAsync(fetchPluginSettings, []);
  if (stored.loading || !stored.value) {
    return (
      <div data-testid={testIds.appConfig.container}>
        <LoadingPlaceholder text="Loading the app's settings…" />
      </div>
    );
  }
  const result = stored.value;
  const loaded: Loaded = result.ok
    ? { enabled: result.data.enabled, pinned: result.data.pinned, stored: result.data.storedJsonData }
    : {
        enabled: Boolean(meta.enabled),
        pinned: Boolean(meta.pinned),
        stored: { ...(meta.jsonData ?? {}) },
        warning: result.error,
      };
  return <SettingsForm loaded={loaded} initial={result.ok ? result.data.jsonData : normaliseSettings(meta.jsonData)} />;
};

/** The form over the settings as loaded; its own state from then on (a save updates what it saves over). */
function SettingsForm({ loaded: initiallyLoaded, initial }: { loaded: Loaded; initial: PluginSettings['jsonData'] }) {
  const [loaded, setLoaded] = useState(initiallyLoaded);
  const styles = useStyles2(getStyles);
  const [form, setForm] = useState<ConfigForm>(() => formFromSettings(initial));
  /** The form as last loaded or saved: what "unsaved changes" compares with. */
  const [savedForm, setSavedForm] = useState(form);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [status, setStatus] = useState<SaveStatus>({ kind: 'idle' });
  const editable = mayEditSettings() !== false;

  const { settings, errors } = useMemo(() => settingsFromForm(form), [form]);
  const dirty = useMemo(() => JSON.stringify(form) !== JSON.stringify(savedForm), [form, savedForm]);
  const shownErrors = useMemo<SettingsErrors>(
    () =>
      submitted ? errors : Object.fromEntries(Object.entries(errors).filter(([field]) => touchedField(touched, field))),
    [errors, submitted, touched]
  );

  const onChange = (next: ConfigForm) => {
    setTouched((previous) => new Set([...previous, ...changedFields(form, next)]));
    setForm(next);
    if (status.kind === 'saved' || status.kind === 'invalid') {
      setStatus({ kind: 'idle' });
    }
  };

  const onSave = async () => {
    setSubmitted(true);
    const count = Object.keys(errors).length;
    if (count > 0) {
      setStatus({ kind: 'invalid', count });
      // Take the SRE to the first field in error: its message is next to it.
      const first = Object.keys(errors).map(inputIdOf).find(Boolean);
      const element = first ? document.getElementById(first) : null;
      element?.scrollIntoView?.({ block: 'center' });
      element?.focus();
      return;
    }
    setStatus({ kind: 'saving' });
    const jsonData = jsonDataWithSettings(loaded.stored, settings);
    const result = await savePluginSettings({ enabled: loaded.enabled, pinned: loaded.pinned, jsonData });
    if (result.ok) {
      setLoaded({ ...loaded, stored: jsonData });
      setSavedForm(form);
      setStatus({ kind: 'saved' });
    } else {
      setStatus({ kind: 'failed', failure: result.error });
    }
  };

  return (
    <div data-testid={testIds.appConfig.container}>
      <Stack direction="column" gap={2}>
        {!editable && (
          <Alert severity="info" title="Read-only: only administrators can change these settings">
            You can see how the app is configured for this organisation. Ask an organisation administrator to change the
            Prometheus data source, metric and label names, thresholds or runbooks.
          </Alert>
        )}
        {loaded.warning && (
          <Alert severity="warning" title="Showing the settings as of page load">
            {settingsFailureMessage(loaded.warning, 'read')} Saving still works if Grafana answers again.
          </Alert>
        )}
        {!loaded.enabled && (
          <Alert severity="info" title="The app is disabled">
            Enable it with the button at the top of this page; these settings apply once it is enabled.
          </Alert>
        )}
        <fieldset disabled={!editable} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
          <ConfigFields form={form} onChange={onChange} errors={shownErrors} disabled={!editable} />
        </fieldset>
        {editable && (
          // Sticky: Save and what became of it stay in sight wherever the SRE is in the long form.
          <div className={styles.saveBar} role="region" aria-label="Save the settings">
            <SaveMessage status={status} />
            <Stack alignItems="center" gap={2}>
              <Button
                onClick={onSave}
                disabled={status.kind === 'saving'}
                icon={status.kind === 'saving' ? 'spinner' : undefined}
              >
                {status.kind === 'saving' ? 'Saving…' : 'Save settings'}
              </Button>
              {dirty && status.kind !== 'saving' && (
                <Text color="secondary" italic>
                  Unsaved changes
                </Text>
              )}
            </Stack>
          </div>
        )}
      </Stack>
    </div>
  );
}

/** Field paths whose text differs between two forms (`thresholds.page`, `runbooks.model-rollback.url`). */
function changedFields(before: ConfigForm, after: ConfigForm): string[] {
  const changed: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
      for (const key of Object.keys(b)) {
        walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      }
    } else if (a !== b) {
      changed.push(path);
    }
  };
  walk(before, after, '');
  return changed;
}

/** An error shows once its field, or a field it depends on (page on investigate), was edited. */
function touchedField(touched: Set<string>, field: string): boolean {
  if (touched.has(field)) {
    return true;
  }
  const [section, key] = field.split('.');
  if (section === 'runbooks') {
    return [...touched].some((t) => t.startsWith(`runbooks.${key}.`));
  }
  // Cross-field rules: a clash or an ordering involves the other fields of the section.
  return [...touched].some((t) => t.startsWith(`${section}.`));
}

export default AppConfig;

const getStyles = (theme: GrafanaTheme2) => ({
  saveBar: css({
    position: 'sticky',
    bottom: 0,
    zIndex: 1,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    padding: theme.spacing(2, 0),
    background: theme.colors.background.primary,
    borderTop: `1px solid ${theme.colors.border.weak}`,
  }),
});
