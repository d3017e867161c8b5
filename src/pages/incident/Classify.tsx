/**
 * Classify: category, sub-category, severity, status (and team) written as tags on the annotation by a
 * read-modify-write (updateIncidentTags) that keeps every tag and the text someone else wrote. If the annotation
 * changed since it was loaded, nothing is written: both versions are shown, with the merge, and the SRE picks per
 * field. The form keeps its values through conflicts and refusals, so no input is lost.
 */
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, Combobox, Field, Input, RadioButtonGroup, Stack, useStyles2 } from '@grafana/ui';
import React, { useState } from 'react';
import { readClassification, TagValueError, type Classification } from '../../core/tags';
import { CATEGORIES, categoryById, isCategoryId } from '../../core/taxonomy';
import {
  isPermissionError,
  updateIncidentTags,
  type IncidentAnnotation,
  type TagUpdate,
} from '../../shared/annotations';
import { READ_ONLY_MESSAGE } from '../incidents/permissions';
import { incidentsTestIds } from '../incidents/testIds';
import { formFromTags, resolveConflict, tagsForForm, withCategory, type ConflictChoice } from './classify';
import { TagsList } from './TagsList';

type Conflict = Extract<TagUpdate, { kind: 'conflict' }>;

type SaveState =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved' }
  | { kind: 'error'; message: string; permission: boolean }
  | { kind: 'conflict'; conflict: Conflict };

const CATEGORY_OPTIONS = CATEGORIES.map((c) => ({ value: c.id as string, label: c.title, description: c.description }));
const NONE = '';
const SEVERITY_OPTIONS = [
  { label: 'None', value: NONE },
  { label: 'Investigate', value: 'investigate' },
  { label: 'Page', value: 'page' },
];
const STATUS_OPTIONS = [
  { label: 'Open', value: 'open' },
  { label: 'Classified', value: 'classified' },
  { label: 'Resolved', value: 'resolved' },
];
const FIELD_TITLES: Record<string, string> = {
  category: 'Category',
  subcategory: 'Sub-category',
  severity: 'Severity',
  status: 'Status',
  team: 'Team',
};

interface Props {
  incident: IncidentAnnotation;
  form: Classification;
  onFormChange: (form: Classification) => void;
  /** The annotation as written (or as found on the server, when the user keeps theirs). */
  onIncidentChange: (incident: IncidentAnnotation) => void;
  readOnly: boolean;
  onPermissionDenied: () => void;
}

function ConflictView({
  conflict,
  onSave,
  onKeepTheirs,
  saving,
}: {
  conflict: Conflict;
  onSave: (tags: string[]) => void;
  onKeepTheirs: () => void;
  saving: boolean;
}) {
  const styles = useStyles2(getStyles);
  const [choices, setChoices] = useState<Record<string, ConflictChoice>>({});
  let resolved: string[] | undefined;
  let problem: string | undefined;
  try {
    resolved = resolveConflict(conflict.merged, conflict.conflicts, choices);
  } catch (error) {
    problem = error instanceof TagValueError ? error.message : String(error);
  }
  return (
    <div
      className={styles.conflict}
      data-testid={incidentsTestIds.incident.conflict}
      role="region"
      aria-label="Conflicting change"
    >
      <Alert severity="warning" title="Someone changed this incident since you opened it">
        Nothing was saved. Their version and yours are below; the merge keeps every tag either of you added and their
        value where you both changed the same field, unless you pick yours.
      </Alert>
      <div className={styles.versions}>
        <div>
          <h3>On Grafana now</h3>
          <TagsList tags={conflict.current.tags} label="Their tags" />
          {conflict.changed.includes('text') && (
            <>
              <h6>Their text (changed)</h6>
              <p className={styles.text}>{conflict.current.text}</p>
            </>
          )}
        </div>
        <div>
          <h3>Your change</h3>
          <TagsList tags={conflict.mine} label="Your tags" />
        </div>
      </div>
      {conflict.conflicts.map((c) => (
        <Field key={c.field} label={`${FIELD_TITLES[c.field] ?? c.field}: you both changed it`}>
          <RadioButtonGroup
            aria-label={`${FIELD_TITLES[c.field] ?? c.field}: theirs or yours`}
            options={[
              { label: `Theirs: ${c.theirs ?? '(none)'}`, value: 'theirs' },
              { label: `Yours: ${c.mine ?? '(none)'}`, value: 'mine' },
            ]}
            value={choices[c.field] ?? 'theirs'}
            onChange={(value) => setChoices({ ...choices, [c.field]: value as ConflictChoice })}
          />
        </Field>
      ))}
      <h3>Will be saved</h3>
      {resolved ? <TagsList tags={resolved} label="Merged tags" /> : <Alert title="Cannot merge">{problem}</Alert>}
      <Stack gap={1}>
        <Button onClick={() => resolved && onSave(resolved)} disabled={!resolved || saving}>
          Save merged
        </Button>
        <Button variant="secondary" onClick={onKeepTheirs} disabled={saving}>
          Discard my change, keep theirs
        </Button>
      </Stack>
    </div>
  );
}

export function ClassifySection({
  incident,
  form,
  onFormChange,
  onIncidentChange,
  readOnly,
  onPermissionDenied,
}: Props) {
  const styles = useStyles2(getStyles);
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const category = form.category ? categoryById(form.category) : undefined;
  const { malformed } = readClassification(incident.tags);
  let formProblem: string | undefined;
  let desired: string[] | undefined;
  try {
    desired = tagsForForm(incident.tags, form);
  } catch (error) {
    formProblem =
      error instanceof TagValueError
        ? 'A team is one word: letters, digits and . _ @ / - (no spaces, colons or commas)'
        : String(error);
  }
  const unchanged = desired !== undefined && desired.join('\n') === incident.tags.join('\n');

  const write = async (base: IncidentAnnotation, tags: string[]) => {
    setSave({ kind: 'saving' });
    try {
      const result = await updateIncidentTags(base, tags);
      if (result.kind === 'saved') {
        onIncidentChange(result.incident);
        // After a merge the saved tags can differ from the form (their value kept): show what is stored.
        onFormChange(formFromTags(result.incident.tags));
        setSave({ kind: 'saved' });
      } else {
        setSave({ kind: 'conflict', conflict: result });
      }
    } catch (error) {
      const permission = isPermissionError(error);
      if (permission) {
        onPermissionDenied();
      }
      setSave({ kind: 'error', message: error instanceof Error ? error.message : String(error), permission });
    }
  };

  const keepTheirs = (current: IncidentAnnotation) => {
    onIncidentChange(current);
    onFormChange(readClassification(current.tags).classification);
    setSave({ kind: 'idle' });
  };

  const disabled = readOnly || save.kind === 'saving' || save.kind === 'conflict';
  return (
    <section
      aria-labelledby="incident-classify-heading"
      data-testid={incidentsTestIds.incident.classify}
      className={styles.section}
    >
      <h2 id="incident-classify-heading">Classify</h2>
      {readOnly && save.kind !== 'error' && (
        <Alert severity="info" title="Read-only">
          {READ_ONLY_MESSAGE}
        </Alert>
      )}
      {malformed.length > 0 && (
        <Alert severity="warning" title="Tags that cannot be read">
          These tags do not follow the scheme and are kept as they are unless you change their field:{' '}
          {malformed.join(', ')}
        </Alert>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (desired && !disabled) {
            write(incident, desired);
          }
        }}
      >
        <Field label="Category">
          <Combobox
            id="incident-classify-category"
            options={CATEGORY_OPTIONS}
            value={form.category ?? null}
            isClearable
            disabled={disabled}
            placeholder="Unclassified"
            onChange={(option) =>
              onFormChange(withCategory(form, option?.value && isCategoryId(option.value) ? option.value : undefined))
            }
          />
        </Field>
        <Field label="Sub-category" description={category ? undefined : 'Choose a category first'}>
          <Combobox
            id="incident-classify-subcategory"
            options={(category?.subcategories ?? []).map((s) => ({
              value: s.id,
              label: s.title,
              description: s.description,
            }))}
            value={form.subcategory ?? null}
            isClearable
            disabled={disabled || !category || category.subcategories.length === 0}
            placeholder="None"
            onChange={(option) => onFormChange({ ...form, subcategory: option?.value || undefined })}
          />
        </Field>
        <Field label="Severity">
          <RadioButtonGroup
            aria-label="Severity"
            options={SEVERITY_OPTIONS}
            value={form.severity ?? NONE}
            disabled={disabled}
            onChange={(value) =>
              onFormChange({ ...form, severity: (value || undefined) as Classification['severity'] })
            }
          />
        </Field>
        <Field label="Status">
          <RadioButtonGroup
            aria-label="Status"
            options={STATUS_OPTIONS}
            value={form.status ?? 'open'}
            disabled={disabled}
            onChange={(value) => onFormChange({ ...form, status: value as Classification['status'] })}
          />
        </Field>
        <Field
          label="Team"
          description="Adds team:<name>; a team tag is never removed"
          invalid={!!formProblem}
          error={formProblem}
        >
          <Input
            id="incident-classify-team"
            value={form.team ?? ''}
            disabled={disabled}
            onChange={(event) => onFormChange({ ...form, team: event.currentTarget.value.trim() || undefined })}
          />
        </Field>
        {desired && !unchanged && (
          <div className={styles.preview}>
            <span className={styles.muted}>Tags after saving:</span>{' '}
            <TagsList tags={desired} label="Tags after saving" />
          </div>
        )}
        <Button
          type="submit"
          disabled={disabled || !desired || unchanged}
          icon={save.kind === 'saving' ? 'spinner' : undefined}
        >
          {save.kind === 'saving' ? 'Saving…' : 'Save classification'}
        </Button>
      </form>
      {save.kind === 'saved' && unchanged && (
        <Alert severity="success" title="Saved">
          The classification is on the annotation: every dashboard showing ai-incident annotations shows it.
        </Alert>
      )}
      {save.kind === 'error' &&
        (save.permission ? (
          <Alert severity="error" title="No permission to change annotations">
            {READ_ONLY_MESSAGE} Your choices are still in the form. ({save.message})
          </Alert>
        ) : (
          <Alert severity="error" title="The classification was not saved">
            {save.message}. Your choices are still in the form: try again.
          </Alert>
        ))}
      {save.kind === 'conflict' && (
        <ConflictView
          conflict={save.conflict}
          saving={false}
          onSave={(tags) => write(save.conflict.current, tags)}
          onKeepTheirs={() => keepTheirs(save.conflict.current)}
        />
      )}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  section: css`
    display: flex;
    flex-direction: column;
    gap: ${theme.spacing(1)};
  `,
  muted: css`
    color: ${theme.colors.text.secondary};
  `,
  preview: css`
    margin-bottom: ${theme.spacing(1)};
  `,
  conflict: css`
    display: flex;
    flex-direction: column;
    gap: ${theme.spacing(1)};
    padding: ${theme.spacing(1)};
    border: 1px solid ${theme.colors.warning.border};
    border-radius: ${theme.shape.radius.default};
  `,
  versions: css`
    display: grid;
    grid-template-columns: 1fr 1fr;
    gap: ${theme.spacing(2)};
  `,
  text: css`
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  `,
});
