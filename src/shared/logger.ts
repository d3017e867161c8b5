/**
 * The app's one logger: plugin review forbids console.*, and Grafana's Faro-backed logging
 * (logInfo/logWarning/logError from @grafana/runtime) keeps messages where operators look for them.
 */
import { logError, logInfo, logWarning } from '@grafana/runtime';

type Context = Record<string, string>;

export const logger = {
  info: (message: string, context?: Context) => logInfo(message, context),
  warn: (message: string, context?: Context) => logWarning(message, context),
  error: (error: unknown, context?: Context) =>
    logError(error instanceof Error ? error : new Error(String(error)), context),
};
