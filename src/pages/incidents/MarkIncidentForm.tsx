/**
 * "Mark incident": a form that creates the `ai-incident` region annotation for a window, with the team, the
 * description and, if already known, the category as tags (src/core/tags.ts). Organisation-wide (no dashboard),
 * so every dashboard with an `ai-incident` annotation query shows it. The draft lives in the page, so closing the
 * form, or a refusal from Grafana, loses nothing the SRE typed.
 */
import { Alert, Button, Combobox, Field, Input, Modal, Stack, TextArea } from '@grafana/ui';
import React, { useState } from 'react';
import { applyClassification, INCIDENT_TAG, TagValueError, type Classification } from '../../core/tags';
import { CATEGORIES, isCategoryId } from '../../core/taxonomy';
import { createIncident, isPermissionError, type IncidentAnnotation } from '../../shared/annotations';
import { READ_ONLY_MESSAGE } from './permissions';
import { incidentsTestIds } from './testIds';
import { formatTimeInput, parseTimeInput, userTimeZone } from '../../shared/time';

export interface IncidentDraft {
  from: string;
  to: string;
  team: string;
  text: string;
  category: string;
}

/** A new draft: the last hour, nothing else. */
export function newDraft(now = Date.now()): IncidentDraft {
  return { from: formatTimeInput(now - 3_600_000), to: formatTimeInput(now), team: '', text: '', category: '' };
}

type Checked =
  { errors: Partial<Record<keyof IncidentDraft, string>> } | { time: number; timeEnd: number; tags: string[] };

/** The draft as a POST body's window and tags, or what is wrong with it, field by field. */
function checkDraft(draft: IncidentDraft): Checked {
  const errors: Partial<Record<keyof IncidentDraft, string>> = {};
  const time = parseTimeInput(draft.from);
  const timeEnd = parseTimeInput(draft.to, true);
  if (time === undefined) {
    errors.from = 'Not a time: use 2026-11-20 14:00, an ISO time, Unix seconds or now-1h';
  }
  if (timeEnd === undefined) {
    errors.to = 'Not a time: use 2026-11-20 15:00, an ISO time, Unix seconds or now';
  } else if (time !== undefined && timeEnd <= time) {
    errors.to = 'The window must end after it starts';
  }
  if (!draft.text.trim()) {
    errors.text = 'Say what you saw: Grafana needs a description for every annotation';
  }
  const classification: Classification = { status: draft.category ? 'classified' : 'open' };
  if (draft.category && isCategoryId(draft.category)) {
    classification.category = draft.category;
  }
  let tags: string[] = [INCIDENT_TAG];
  try {
    tags = applyClassification(
      [INCIDENT_TAG],
      draft.team.trim() ? { ...classification, team: draft.team.trim() } : classification
    );
  } catch (error) {
    if (!(error instanceof TagValueError)) {
      throw error;
    }
    errors.team = 'A team is one word: letters, digits and . _ @ / - (no spaces, colons or commas)';
  }
  if (Object.keys(errors).length > 0 || time === undefined || timeEnd === undefined) {
    return { errors };
  }
  return { time, timeEnd, tags };
}

interface Props {
  draft: IncidentDraft;
  onDraftChange: (draft: IncidentDraft) => void;
  onCreated: (incident: IncidentAnnotation) => void;
  onDismiss: () => void;
  /** Grafana answered 403: the page turns read-only. */
  onPermissionDenied: () => void;
}

const CATEGORY_OPTIONS = CATEGORIES.map((c) => ({ value: c.id as string, label: c.title, description: c.description }));

export function MarkIncidentForm({ draft, onDraftChange, onCreated, onDismiss, onPermissionDenied }: Props) {
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<{ message: string; permission: boolean } | undefined>();
  const checked = checkDraft(draft);
  const errors = submitted && 'errors' in checked ? checked.errors : {};
  const set = (field: keyof IncidentDraft) => (value: string) => onDraftChange({ ...draft, [field]: value });

  const onSubmit = async (event: React.FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if ('errors' in checked) {
      return;
    }
    setSaving(true);
    setFailure(undefined);
    try {
      const created = await createIncident({
        time: checked.time,
        timeEnd: checked.timeEnd,
        text: draft.text,
        tags: checked.tags,
      });
      onCreated(created);
    } catch (error) {
      const permission = isPermissionError(error);
      setFailure({ message: error instanceof Error ? error.message : String(error), permission });
      if (permission) {
        onPermissionDenied();
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal title="Mark an incident" isOpen onDismiss={onDismiss}>
      <form onSubmit={onSubmit} data-testid={incidentsTestIds.markForm} noValidate>
        {failure &&
          (failure.permission ? (
            <Alert severity="error" title="No permission to create annotations">
              {READ_ONLY_MESSAGE} Nothing you typed is lost: copy it, or keep this form open. ({failure.message})
            </Alert>
          ) : (
            <Alert severity="error" title="The incident was not saved">
              {failure.message}. Nothing you typed is lost: try again.
            </Alert>
          ))}
        <Stack gap={2}>
          <Field
            label="From"
            description={`In ${userTimeZone()}, your Grafana time zone; or now-1h, an ISO time`}
            invalid={!!errors.from}
            error={errors.from}
          >
            <Input id="mark-incident-from" value={draft.from} onChange={(e) => set('from')(e.currentTarget.value)} />
          </Field>
          <Field label="To" description={`In ${userTimeZone()}; or now`} invalid={!!errors.to} error={errors.to}>
            <Input id="mark-incident-to" value={draft.to} onChange={(e) => set('to')(e.currentTarget.value)} />
          </Field>
        </Stack>
        <Field
          label="Team"
          description="Stored as the tag team:<name>; optional"
          invalid={!!errors.team}
          error={errors.team}
        >
          <Input
            id="mark-incident-team"
            value={draft.team}
            onChange={(e) => set('team')(e.currentTarget.value)}
            placeholder="search"
          />
        </Field>
        <Field
          label="Description"
          description="What you saw; shown on every dashboard with the annotation"
          invalid={!!errors.text}
          error={errors.text}
        >
          <TextArea
            id="mark-incident-text"
            rows={3}
            value={draft.text}
            onChange={(e) => set('text')(e.currentTarget.value)}
          />
        </Field>
        <Field label="Category" description="Optional: classify now, or later on the incident's page">
          <Combobox
            id="mark-incident-category"
            options={CATEGORY_OPTIONS}
            value={draft.category || null}
            isClearable
            placeholder="Unclassified"
            onChange={(option) => set('category')(option?.value ?? '')}
          />
        </Field>
        <Modal.ButtonRow>
          <Button variant="secondary" fill="outline" onClick={onDismiss} type="button">
            Cancel
          </Button>
          <Button type="submit" disabled={saving} icon={saving ? 'spinner' : undefined}>
            {saving ? 'Saving…' : 'Mark incident'}
          </Button>
        </Modal.ButtonRow>
      </form>
    </Modal>
  );
}
