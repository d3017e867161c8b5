/** How the incident pages write an incident's window and text (text only ever as React text, never as HTML). */
import { formatDuration, formatTime } from '../../core/format';
import { toReportTime } from '../../core/impact';
import { type IncidentAnnotation } from '../../shared/annotations';

/** "2026-11-20 14:00 – 17:00 UTC" (the second date only when it differs), as the report writes times. */
export function windowLabel(incident: Pick<IncidentAnnotation, 'time' | 'timeEnd'>): string {
  const from = formatTime(toReportTime(Math.floor(incident.time / 1000)));
  const to = formatTime(toReportTime(Math.ceil(incident.timeEnd / 1000)));
  return `${from} – ${from.slice(0, 10) === to.slice(0, 10) ? to.slice(11) : to} UTC`;
}

export function durationLabel(incident: Pick<IncidentAnnotation, 'time' | 'timeEnd'>): string {
  return formatDuration(Math.max(0, incident.timeEnd - incident.time) / 1000);
}

/** The text on one line, cut at `max` characters with an ellipsis. */
export function truncateText(text: string, max = 140): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
