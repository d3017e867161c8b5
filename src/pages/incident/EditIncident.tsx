/**
 * Edit an incident's window and text: times typed and shown in the user's time zone (as Mark incident does),
 * saved with PATCH without tags so Grafana keeps every tag (editIncident). Errors stay next to the form, with
 * the values typed kept. An ongoing incident has only a start to move (Close incident gives it its end).
 */
import { Alert, Button, Field, Input, Stack, TextArea } from '@grafana/ui';
import React, { useState } from 'react';
import { useAsyncFn } from 'react-use';
import { editIncident, type IncidentAnnotation, isOngoing } from '../../shared/annotations';
import { formatTimeInput, parseTimeInput, zoneName } from '../../shared/time';

export function EditIncident({
  incident,
  onSaved,
  onCancel,
}: {
  incident: IncidentAnnotation;
  onSaved: (incident: IncidentAnnotation) => void;
  onCancel: () => void;
}) {
  const [from, setFrom] = useState(() => formatTimeInput(incident.time));
  const [to, setTo] = useState(() => formatTimeInput(incident.timeEnd));
  const [text, setText] = useState(incident.text);
  const ongoing = isOngoing(incident);
  const time = parseTimeInput(from);
  const timeEnd = ongoing ? time : parseTimeInput(to, true);
  const [save, run] = useAsyncFn(async () => {
    const saved = await editIncident(incident, { time: time!, timeEnd: timeEnd!, text });
    onSaved(saved);
    return saved;
  }, [incident, time, timeEnd, text]);
  const zone = zoneName(incident.time);
  return (
    <form
      aria-label="Edit the window and text"
      onSubmit={(event) => {
        event.preventDefault();
        run();
      }}
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
      {save.error && (
        <Alert severity="error" title="The window and text were not saved">
          {save.error.message}
        </Alert>
      )}
      <Stack gap={1}>
        <Button type="submit" disabled={save.loading || time === undefined || timeEnd === undefined}>
          {save.loading ? 'Saving…' : 'Save window and text'}
        </Button>
        <Button variant="secondary" fill="outline" onClick={onCancel}>
          Cancel
        </Button>
      </Stack>
    </form>
  );
}
