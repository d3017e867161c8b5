/**
 * How the incident pages write an incident's duration and text (text only ever as React text, never as HTML);
 * its window is windowLabel in src/shared/time.ts, in the user's time zone.
 */
import { formatDuration } from '../../core/format';
import { type IncidentAnnotation } from '../../shared/annotations';

export function durationLabel(incident: Pick<IncidentAnnotation, 'time' | 'timeEnd'>): string {
  return formatDuration(Math.max(0, incident.timeEnd - incident.time) / 1000);
}

/** The text on one line, cut at `max` characters with an ellipsis. */
export function truncateText(text: string, max = 140): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
