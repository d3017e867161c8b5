/**
 * How the incident pages write an incident's duration; its window is windowLabel in src/shared/time.ts (in the
 * user's time zone), its text truncateText in src/core/format.ts (only ever as React text, never as HTML).
 */
import { formatDuration } from '../../core/format';
import { type IncidentAnnotation } from '../../shared/annotations';

export function durationLabel(incident: Pick<IncidentAnnotation, 'time' | 'timeEnd'>): string {
  return formatDuration(Math.max(0, incident.timeEnd - incident.time) / 1000);
}
