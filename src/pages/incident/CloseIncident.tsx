/**
 * Close an ongoing incident: the time it ended (default now, in the user's time zone, as Mark incident takes it),
 * saved by closeIncident (PATCH of the end and the tags it has, less `ai-ongoing`: every other tag kept).
 */
import { Field, Input } from '@grafana/ui';
import React, { useState } from 'react';
import { closeIncident } from '../../shared/annotations';
import { formatTimeInput, parseTimeInput, zoneName } from '../../shared/time';
import { IncidentWriteForm, type IncidentWriteProps } from './IncidentWriteForm';

export function CloseIncident({ incident, onSaved, onCancel }: IncidentWriteProps) {
  const [ended, setEnded] = useState(() => formatTimeInput(Date.now()));
  const end = parseTimeInput(ended, true);
  const valid = end !== undefined && end > incident.time;
  return (
    <IncidentWriteForm
      name="Close the incident"
      write={valid ? () => closeIncident(incident, end) : undefined}
      saveLabel="Close incident"
      savingLabel="Closing…"
      failureTitle="The incident was not closed"
      onSaved={onSaved}
      onCancel={onCancel}
    >
      <Field
        label={`Ended at (${zoneName(end ?? incident.time)})`}
        description="Or now, now-10m, an ISO time"
        invalid={!valid}
        error={end === undefined ? 'A time such as 2026-11-20 15:00' : 'The incident must end after it started'}
      >
        <Input id="incident-close-end" value={ended} onChange={(e) => setEnded(e.currentTarget.value)} width={24} />
      </Field>
    </IncidentWriteForm>
  );
}
