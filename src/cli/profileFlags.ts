/**
 * `--preset <name>` and `--config <file>`, shared by the commands that read telemetry: the file is the same JSON
 * the app stores as its jsonData (what the Configuration page saves, or a provisioning file's jsonData), and
 * `--preset` overrides the file's preset. Invalid settings are a usage error listing every problem.
 */
import { readFileSync } from 'node:fs';

import { ProfileError, resolveProfile, type TelemetryProfile } from '../core/profile';
import { type AppSettings, normaliseSettings, PRESET_IDS, type PresetId } from '../core/settings';
import { UsageError } from './errors';

export const PROFILE_FLAGS = {
  preset: { type: 'string' },
  config: { type: 'string' },
} as const;

export const PROFILE_USAGE = `  --preset <name>        Telemetry convention: ${PRESET_IDS.join(', ')} (default: the config's, else contract)
  --config <file>        The app's settings as JSON (its jsonData): preset, metricNames, labelNames, thresholds,
                         timeoutErrorTypes, segmentLabels`;

export function settingsFromFlags(values: { preset?: string; config?: string }): AppSettings {
  let settings: AppSettings = {};
  if (values.config !== undefined) {
    let text: string;
    try {
      text = readFileSync(values.config, 'utf8');
    } catch (error) {
      throw new UsageError(
        `--config ${values.config} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`
      );
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new UsageError(
        `--config ${values.config} is not JSON: ${error instanceof Error ? error.message : String(error)}`
      );
    }
    // A provisioning-style file ({ jsonData: {...} }) is read like the bare jsonData.
    const jsonData =
      typeof raw === 'object' && raw !== null && 'jsonData' in raw ? (raw as { jsonData: unknown }).jsonData : raw;
    if (typeof jsonData !== 'object' || jsonData === null || Array.isArray(jsonData)) {
      throw new UsageError(`--config ${values.config} must hold a JSON object (the app's jsonData)`);
    }
    settings = normaliseSettings(jsonData);
  }
  if (values.preset !== undefined) {
    if (!(PRESET_IDS as readonly string[]).includes(values.preset)) {
      throw new UsageError(`--preset must be one of ${PRESET_IDS.join(', ')}, not '${values.preset}'`);
    }
    settings = { ...settings, preset: values.preset as PresetId };
  }
  return settings;
}

export function profileFromFlags(values: { preset?: string; config?: string }): {
  settings: AppSettings;
  profile: TelemetryProfile;
} {
  const settings = settingsFromFlags(values);
  try {
    return { settings, profile: resolveProfile(settings) };
  } catch (error) {
    if (error instanceof ProfileError) {
      throw new UsageError(
        `${values.config ? `--config ${values.config}` : 'the settings'} cannot be used:\n${error.message}`
      );
    }
    throw error;
  }
}
