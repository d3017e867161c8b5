/**
 * The shell of the incident page's small write forms (edit the window and text, close an ongoing incident): the
 * save runs the write and hands the annotation Grafana now has to the page; a failure stays next to the fields,
 * with the values typed kept.
 */
import { Alert, Button, Stack } from '@grafana/ui';
import React, { type ReactNode } from 'react';
import { useAsyncFn } from 'react-use';
import { type IncidentAnnotation } from '../../shared/annotations';

export interface IncidentWriteProps {
  incident: IncidentAnnotation;
  onSaved: (incident: IncidentAnnotation) => void;
  onCancel: () => void;
}

export function IncidentWriteForm({
  name,
  write,
  saveLabel,
  savingLabel,
  failureTitle,
  onSaved,
  onCancel,
  children,
}: Omit<IncidentWriteProps, 'incident'> & {
  /** The form's accessible name. */
  name: string;
  /** The write; undefined while the fields do not make one. */
  write: (() => Promise<IncidentAnnotation>) | undefined;
  saveLabel: string;
  savingLabel: string;
  failureTitle: string;
  children: ReactNode;
}) {
  const [save, run] = useAsyncFn(async () => {
    const saved = await write!();
    onSaved(saved);
    return saved;
  }, [write, onSaved]);
  return (
    <form
      aria-label={name}
      onSubmit={(event) => {
        event.preventDefault();
        run();
      }}
    >
      {children}
      {save.error && (
        <Alert severity="error" title={failureTitle}>
          {save.error.message}
        </Alert>
      )}
      <Stack gap={1}>
        <Button type="submit" disabled={save.loading || !write}>
          {save.loading ? savingLabel : saveLabel}
        </Button>
        <Button variant="secondary" fill="outline" onClick={onCancel}>
          Cancel
        </Button>
      </Stack>
    </form>
  );
}
