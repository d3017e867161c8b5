/**
 * How the incident pages write an incident's duration; its window is incidentWindowLabel in src/shared/time.ts (in
 * the user's time zone), its text truncateText in src/core/format.ts (only ever as React text, never as HTML).
 */
import { formatDuration } from '../../core/format';
import { type IncidentAnnotation, isOngoing } from '../../shared/annotations';
import { formatUserTimeWithZone } from '../../shared/time';

type Window = Pick<IncidentAnnotation, 'time' | 'timeEnd' | 'tags'>;

/** "1h 30m", or "Ongoing" for an incident that has not ended. */
export function durationLabel(incident: Window): string {
  return isOngoing(incident) ? 'Ongoing' : formatDuration(Math.max(0, incident.timeEnd - incident.time) / 1000);
}

/** When an incident started, in the user's zone, as its date and its time with the zone: ["2026-11-20", "09:00 EST"]. */
export function startedParts(ms: number): [date: string, time: string] {
  const label = formatUserTimeWithZone(ms);
  const space = label.indexOf(' ');
  return [label.slice(0, space), label.slice(space + 1)];
}
