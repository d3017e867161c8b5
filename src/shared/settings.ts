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
import { getBackendSrv, isFetchError } from '@grafana/runtime';
import { useEffect, useState } from 'react';
import { lastValueFrom, timeout, TimeoutError } from 'rxjs';
import { type AppSettings, normaliseSettings } from '../core/settings';
import { PLUGIN_ID } from '../constants';
import { logger } from './logger';

export const SETTINGS_URL = `/api/plugins/${PLUGIN_ID}/settings`;

/** How long a settings request may take before the user is told, in milliseconds. */
export const SETTINGS_TIMEOUT_MS = 15_000;

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

export type SettingsFailure =
  | { kind: 'forbidden'; status: 403 | 401; message: string }
  | { kind: 'timeout'; message: string }
  | { kind: 'error'; status?: number; message: string };

function failureOf(error: unknown, action: 'read' | 'save'): SettingsFailure {
  if (error instanceof TimeoutError) {
    return {
      kind: 'timeout',
      message: `Grafana did not answer within ${SETTINGS_TIMEOUT_MS / 1000} s, so the settings were not ${action === 'save' ? 'saved' : 'read'}. Check the connection and try again.`,
    };
  }
  if (isFetchError(error)) {
    const detail = (error.data as { message?: string } | undefined)?.message ?? error.statusText ?? '';
    if (error.status === 403 || error.status === 401) {
      return {
        kind: 'forbidden',
        status: error.status,
        message:
          action === 'save'
            ? 'Grafana refused to save: only organisation administrators can change the app’s settings. Nothing was lost: ask an administrator to save these values.'
            : 'Grafana refused to show the app’s settings to this user.',
      };
    }
    return {
      kind: 'error',
      status: error.status,
      message: `Grafana answered ${error.status}${detail ? ` (${detail})` : ''}: the settings were not ${action === 'save' ? 'saved' : 'read'}. Try again; if it persists, check the Grafana server log.`,
    };
  }
  return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type SettingsResult<T> = { ok: true; value: T } | { ok: false; failure: SettingsFailure };

/** The app's settings as Grafana stores them now. */
export async function fetchPluginSettings(): Promise<SettingsResult<PluginSettings>> {
  try {
    const response = await lastValueFrom(
      getBackendSrv()
        .fetch<{ enabled?: boolean; pinned?: boolean; jsonData?: unknown }>({
          url: SETTINGS_URL,
          method: 'GET',
          showErrorAlert: false,
        })
        .pipe(timeout(SETTINGS_TIMEOUT_MS))
    );
    const data = response.data ?? {};
    return {
      ok: true,
      value: {
        enabled: Boolean(data.enabled),
        pinned: Boolean(data.pinned),
        jsonData: normaliseSettings(data.jsonData),
        storedJsonData: isPlainObject(data.jsonData) ? data.jsonData : {},
      },
    };
  } catch (error) {
    const failure = failureOf(error, 'read');
    logger.warn('app settings unreadable', { message: failure.message });
    return { ok: false, failure };
  }
}

/** Saves the settings; `enabled` and `pinned` are sent as they were so saving never disables the app. */
export async function savePluginSettings(settings: PluginSettingsUpdate): Promise<SettingsResult<void>> {
  try {
    await lastValueFrom(
      getBackendSrv()
        .fetch({
          url: SETTINGS_URL,
          method: 'POST',
          data: { enabled: settings.enabled, pinned: settings.pinned, jsonData: settings.jsonData },
          showErrorAlert: false,
        })
        .pipe(timeout(SETTINGS_TIMEOUT_MS))
    );
    return { ok: true, value: undefined };
  } catch (error) {
    const failure = failureOf(error, 'save');
    if (failure.kind !== 'forbidden') {
      logger.error(error, { where: 'saving app settings' });
    }
    return { ok: false, failure };
  }
}

export type AppSettingsState =
  | { kind: 'loading'; settings: AppSettings }
  | { kind: 'ready'; settings: AppSettings }
  /** The API could not be read: `settings` are the plugin context's (possibly older), or the defaults. */
  | { kind: 'fallback'; settings: AppSettings; failure: SettingsFailure };

/**
 * The app's settings for a component. While loading, and when the API cannot be read, `settings` are what the
 * plugin context holds (inside the app) or none (the defaults).
 */
export function useAppSettings(): AppSettingsState {
  const context = usePluginContext();
  const contextSettings = context?.meta.id === PLUGIN_ID ? normaliseSettings(context.meta.jsonData) : {};
  const [state, setState] = useState<AppSettingsState>({ kind: 'loading', settings: contextSettings });

  useEffect(() => {
    let current = true;
    fetchPluginSettings().then((result) => {
      if (!current) {
        return;
      }
      setState((previous) =>
        result.ok
          ? { kind: 'ready', settings: result.value.jsonData }
          : { kind: 'fallback', settings: previous.settings, failure: result.failure }
      );
    });
    return () => {
      current = false;
    };
  }, []);

  return state;
}
