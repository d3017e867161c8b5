/**
 * The window drop-down: the dashboard's time range, or one `ai-incident` region in it, listed by time,
 * category and text. Annotation text is hostile input: it is only ever rendered as React text.
 */
import { Combobox, type ComboboxOption } from '@grafana/ui';
import React from 'react';
import { truncateText } from '../../core/format';
import { readClassification } from '../../core/tags';
import { type IncidentAnnotation, isRegion } from '../../shared/annotations';
import { incidentWindowLabel } from '../../shared/time';

const RANGE_VALUE = 'range';
const TEXT_IN_LABEL = 80;

/** The category as the Incidents list reads it (one valid `ai-category` tag), else "unclassified". */
function category(incident: IncidentAnnotation): string {
  return readClassification(incident.tags).classification.category ?? 'unclassified';
}

/** "2026-11-20 02:00 – 03:00 UTC · infrastructure · provider timeouts on /chat" ("since … (ongoing)" for an ongoing one), in the user's time zone. */
export function incidentLabel(incident: IncidentAnnotation): string {
  return [incidentWindowLabel(incident), category(incident), truncateText(incident.text, TEXT_IN_LABEL)]
    .filter(Boolean)
    .join(' · ');
}

interface Props {
  incidents: IncidentAnnotation[];
  selectedId: number | undefined;
  onSelect: (id: number | undefined) => void;
  loading?: boolean;
}

export function WindowPicker({ incidents, selectedId, onSelect, loading }: Props) {
  const options: Array<ComboboxOption<string>> = [
    { label: 'Dashboard time range', value: RANGE_VALUE },
    ...incidents.filter(isRegion).map((incident) => ({ label: incidentLabel(incident), value: String(incident.id) })),
  ];
  const value =
    selectedId !== undefined && options.some((o) => o.value === String(selectedId)) ? String(selectedId) : RANGE_VALUE;
  return (
    <Combobox
      id="aisre-impact-window"
      aria-labelledby="aisre-impact-window-label"
      options={options}
      value={value}
      loading={loading}
      width="auto"
      minWidth={22}
      maxWidth={70}
      onChange={(option) => onSelect(option.value === RANGE_VALUE ? undefined : Number(option.value))}
    />
  );
}
