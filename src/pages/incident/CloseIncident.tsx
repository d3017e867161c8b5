/**
 * Close an ongoing incident: the time it ended (default now, in the user's time zone, as Mark incident takes it),
 * saved by closeIncident (PATCH of the end and the tags it has, less `ai-ongoing`: every other tag kept).
 */
import { Alert, Button, Field, Input, Stack } from '@grafana/ui';
import React, { useState } from 'react';
import { useAsyncFn } from 'react-use';
import { closeIncident, type IncidentAnnotation } from '../../shared/annotations';
import { formatTimeInput, parseTimeInput, zoneName } from '../../shared/time';

export function CloseIncident({
  incident,
  onClosed,
  onCancel,
}: {
  incident: IncidentAnnotation;
  onClosed: (incident: IncidentAnnotation) => void;
  onCancel: () => void;
}) {
  const [ended, setEnded] = useState(() => formatTimeInput(Date.now()));
  const end = parseTimeInput(ended, true);
  const valid = end !== undefined && end > incident.time;
  const [save, run] = useAsyncFn(async () => {
    const closed = await closeIncident(incident, end!);
    onClosed(closed);
    return closed;
  }, [incident, end]);
  return (
    <form
      aria-label="Close the incident"
      onSubmit={(event) => {
        event.preventDefault();
        run();
      }}
    >
      <Field
        label={`Ended at (${zoneName(end ?? incident.time)})`}
        description="Or now, now-10m, an ISO time"
        invalid={!valid}
        error={end === undefined ? 'A time such as 2026-11-20 15:00' : 'The incident must end after it started'}
      >
        <Input id="incident-close-end" value={ended} onChange={(e) => setEnded(e.currentTarget.value)} width={24} />
      </Field>
      {save.error && (
        <Alert severity="error" title="The incident was not closed">
          {save.error.message}
        </Alert>
      )}
      <Stack gap={1}>
        <Button type="submit" disabled={save.loading || !valid}>
          {save.loading ? 'Closing…' : 'Close incident'}
        </Button>
        <Button variant="secondary" fill="outline" onClick={onCancel}>
          Cancel
        </Button>
      </Stack>
    </form>
  );
}
