/**
 * Reading and saving the app's settings (its jsonData) through Grafana's plugin settings API:
 * `GET /api/plugins/<id>/settings` and `POST /api/plugins/<id>/settings` with `{ enabled, pinned, jsonData }`
 * (https://grafana.com/developers/plugin-tools/how-to-guides/app-plugins/add-authentication-for-app-plugins).
 * The app has no secrets, so nothing is ever sent as secureJsonData.
 *
 * Components read settings fresh from the API rather than from the plugin context alone: Grafana caches plugin
 * meta for the session, so the context can hold jsonData from before the last save.
 */
import { usePluginContext } from '@grafana/data';
import { useAsync } from 'react-use';
import { type AppSettings, normaliseSettings } from '../core/settings';
import { PLUGIN_ID } from '../constants';
import { GrafanaApiError, grafanaFetch, type GrafanaResult } from './grafanaApi';
import { logger } from './logger';

export const SETTINGS_URL = `/api/plugins/${PLUGIN_ID}/settings`;

/** How long a settings request may take before the user is told, in milliseconds. */
const SETTINGS_TIMEOUT_MS = 15_000;

/** What Grafana returns for the app's settings, in the parts the app uses. */
export interface PluginSettings {
  enabled: boolean;
  pinned: boolean;
  /** The app's settings, normalised. */
  jsonData: AppSettings;
  /** jsonData exactly as stored, so a save keeps the keys this version does not know. */
  storedJsonData: Record<string, unknown>;
}

/** What a save sends: the whole jsonData (see jsonDataWithSettings). */
export interface PluginSettingsUpdate {
  enabled: boolean;
  pinned: boolean;
  jsonData: Record<string, unknown>;
}

/** What the Configuration page says when a settings request fails: what happened and what to do. */
export function settingsFailureMessage(error: GrafanaApiError, action: 'read' | 'save'): string {
  const done = action === 'save' ? 'saved' : 'read';
  switch (error.kind) {
    case 'timeout':
      return `Grafana did not answer within ${SETTINGS_TIMEOUT_MS / 1000} s, so the settings were not ${done}. Check the connection and try again.`;
    case 'permission':
      return action === 'save'
        ? 'Grafana refused to save: only organisation administrators can change the app’s settings. Nothing was lost: ask an administrator to save these values.'
        : 'Grafana refused to show the app’s settings to this user.';
    case 'cancelled':
    case 'unreachable':
      return `${error.message}: the settings were not ${done}. Check the connection and try again.`;
    default:
      return `Grafana answered ${error.status}${error.detail ? ` (${error.detail})` : ''}: the settings were not ${done}. Try again; if it persists, check the Grafana server log.`;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The app's settings as Grafana stores them now. */
export async function fetchPluginSettings(): Promise<GrafanaResult<PluginSettings>> {
  const result = await grafanaFetch<{ enabled?: boolean; pinned?: boolean; jsonData?: unknown }>({
    url: SETTINGS_URL,
    method: 'GET',
    what: 'the app’s settings',
    timeoutMs: SETTINGS_TIMEOUT_MS,
  });
  if (!result.ok) {
    logger.warn('app settings unreadable', { message: result.error.message });
    return result;
  }
  const data = result.data ?? {};
  return {
    ok: true,
    data: {
      enabled: Boolean(data.enabled),
      pinned: Boolean(data.pinned),
      jsonData: normaliseSettings(data.jsonData),
      storedJsonData: isPlainObject(data.jsonData) ? data.jsonData : {},
    },
  };
}

/** Saves the settings; `enabled` and `pinned` are sent as they were so saving never disables the app. */
export async function savePluginSettings(settings: PluginSettingsUpdate): Promise<GrafanaResult<unknown>> {
  const result = await grafanaFetch<unknown>({
    url: SETTINGS_URL,
    method: 'POST',
    data: { enabled: settings.enabled, pinned: settings.pinned, jsonData: settings.jsonData },
    what: 'saving the app’s settings',
    timeoutMs: SETTINGS_TIMEOUT_MS,
  });
  if (!result.ok && result.error.kind !== 'permission') {
    logger.error(result.error, { where: 'saving app settings' });
  }
  return result;
}

export type AppSettingsState =
  | { kind: 'loading'; settings: AppSettings }
  | { kind: 'ready'; settings: AppSettings }
  /**
   * The API could not be read: `settings` are the plugin context's (possibly older), or the defaults; the
   * failure's message is worded for the page (settingsFailureMessage).
   */
  | { kind: 'fallback'; settings: AppSettings; failure: GrafanaApiError };

/**
 * The app's settings for a component. While loading, and when the API cannot be read, `settings` are what the
 * plugin context holds (inside the app) or none (the defaults).
 */
export function useAppSettings(): AppSettingsState {
  const context = usePluginContext();
  const contextSettings = context?.meta.id === PLUGIN_ID ? normaliseSettings(context.meta.jsonData) : {};
  const { value: result } = useAsync(fetchPluginSettings, []);
  if (!result) {
    return { kind: 'loading', settings: contextSettings };
  }
  return result.ok
    ? { kind: 'ready', settings: result.data.jsonData }
    : {
        kind: 'fallback',
        settings: contextSettings,
        failure: new GrafanaApiError(
          settingsFailureMessage(result.error, 'read'),
          result.error.status,
          result.error.kind,
          result.error.detail
        ),
      };
}
