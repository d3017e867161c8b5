/**
 * Edit an incident's window and text: times typed and shown in the user's time zone (as Mark incident does),
 * saved with PATCH without tags so Grafana keeps every tag (editIncident). Errors stay next to the form, with
 * the values typed kept. An ongoing incident has only a start to move (Close incident gives it its end).
 */
import { Field, Input, Stack, TextArea } from '@grafana/ui';
import React, { useState } from 'react';
import { editIncident, isOngoing } from '../../shared/annotations';
import { formatTimeInput, parseTimeInput, zoneName } from '../../shared/time';
import { IncidentWriteForm, type IncidentWriteProps } from './IncidentWriteForm';

export function EditIncident({ incident, onSaved, onCancel }: IncidentWriteProps) {
  const [from, setFrom] = useState(() => formatTimeInput(incident.time));
  const [to, setTo] = useState(() => formatTimeInput(incident.timeEnd));
  const [text, setText] = useState(incident.text);
  const ongoing = isOngoing(incident);
  const time = parseTimeInput(from);
  const timeEnd = ongoing ? time : parseTimeInput(to, true);
  const zone = zoneName(incident.time);
  const ready = time !== undefined && timeEnd !== undefined;
  return (
    <IncidentWriteForm
      name="Edit the window and text"
      write={ready ? () => editIncident(incident, { time, timeEnd, text }) : undefined}
      saveLabel="Save window and text"
      savingLabel="Saving…"
      failureTitle="The window and text were not saved"
      onSaved={onSaved}
      onCancel={onCancel}
    >
      <Stack gap={2} wrap="wrap">
        <Field label={`From (${zone})`} invalid={time === undefined} error="A time such as 2026-11-20 14:00">
          <Input id="incident-edit-from" value={from} onChange={(e) => setFrom(e.currentTarget.value)} width={24} />
        </Field>
        {!ongoing && (
          <Field label={`To (${zone})`} invalid={timeEnd === undefined} error="A time such as 2026-11-20 15:00">
            <Input id="incident-edit-to" value={to} onChange={(e) => setTo(e.currentTarget.value)} width={24} />
          </Field>
        )}
      </Stack>
      <Field label="Description">
        <TextArea id="incident-edit-text" value={text} rows={3} onChange={(e) => setText(e.currentTarget.value)} />
      </Field>
    </IncidentWriteForm>
  );
}
