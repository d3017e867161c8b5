/**
 * The Incident page for one `ai-incident` annotation (route `incidents/:id?from=<ms>&to=<ms>`): what was marked,
 * the runbook and dashboard links at the top, then on wide screens two columns: the evidence in its window (drawn and
 * written), and beside it the suggested categories, the classification form and the impact section to copy into the
 * postmortem. Read-only for users who may not write annotations; annotation text is shown as text only. An ongoing
 * incident (not ended yet) reads as a window up to when the page read it, and can be closed here.
 */
import { css } from '@emotion/css';
import { type GrafanaTheme2, locationUtil } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Badge, Button, LinkButton, LoadingPlaceholder, TextLink, useStyles2 } from '@grafana/ui';
import React, { useState } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import { useAsyncRetry } from 'react-use';
import { type PresetId } from '../../core/settings';
import { readClassification, type Classification } from '../../core/tags';
import { categoryById } from '../../core/taxonomy';
import { getIncident, type IncidentAnnotation, incidentWindow, isOngoing } from '../../shared/annotations';
import { ImpactActions } from '../../shared/impact/ImpactActions';
import { findingsNeedingAttention, sliLabel } from '../../shared/impact/ImpactReportView';
import { TryAgain } from '../../shared/impact/ImpactStateMessage';
import { useAppSettings } from '../../shared/settings';
import { incidentWindowLabel } from '../../shared/time';
import { ROUTES } from '../../constants';
import { prefixRoute } from '../../utils/utils.routing';
import { durationLabel } from '../incidents/format';
import { mayWriteAnnotations } from '../incidents/permissions';
import { incidentsTestIds } from '../incidents/testIds';
import { ClassifySection } from './Classify';
import { formFromTags } from './classify';
import { CloseIncident } from './CloseIncident';
import { EditIncident } from './EditIncident';
import { EvidenceSection } from './Evidence';
import { findingPanelLink } from './findingLinks';
import { IncidentLinks } from './Links';
import { SuggestionsList } from './Suggestions';
import { TagsList } from './TagsList';
import { type IncidentEvidence, useIncidentEvidence } from './useIncidentEvidence';

const TITLE_LENGTH = 90;

/** The annotation id and the window hint from the route. */
function useIncidentRef(): { id: number | undefined; window?: { time: number; timeEnd: number } } {
  const params = useParams();
  const [search] = useSearchParams();
  const id = Number(params.id);
  const from = Number(search.get('from'));
  const to = Number(search.get('to'));
  return {
    id: Number.isInteger(id) && id > 0 ? id : undefined,
    window: from > 0 && to > 0 ? { time: from, timeEnd: to } : undefined,
  };
}

/** The page's title: the description people recognise the incident by (its first line), else its window. */
function incidentTitle(incident: IncidentAnnotation): string {
  const line = incident.text.split('\n')[0].replace(/\s+/g, ' ').trim();
  if (!line) {
    return `Incident ${incidentWindowLabel(incident)}`;
  }
  return line.length > TITLE_LENGTH ? `${line.slice(0, TITLE_LENGTH - 1)}…` : line;
}

/** The incident annotation; `replace` shows the version a save returned without reading it again. */
function useIncident(id: number | undefined, hint: { time: number; timeEnd: number } | undefined) {
  const [saved, setSaved] = useState<IncidentAnnotation | undefined>();
  const read = useAsyncRetry(
    async () => (id === undefined ? undefined : getIncident(id, hint)),
    [id, hint?.time, hint?.timeEnd]
  );
  const incident = saved && saved.id === id ? saved : read.value;
  return { read, incident, replace: setSaved };
}

function BackToList() {
  return (
    <LinkButton variant="secondary" icon="arrow-left" href={prefixRoute(ROUTES.Incidents)}>
      All incidents
    </LinkButton>
  );
}

function IncidentPage() {
  const styles = useStyles2(getStyles);
  const { id, window } = useIncidentRef();
  const { read, incident, replace } = useIncident(id, window);
  const notFound = id === undefined || (read.error as { kind?: string } | undefined)?.kind === 'not_found';
  return (
    <PluginPage pageNav={{ text: incident ? incidentTitle(incident) : 'Incident' }} actions={<BackToList />}>
      <div data-testid={incidentsTestIds.incident.container} className={styles.container}>
        {id === undefined ? (
          <Alert severity="error" title="Incident not found">
            This link does not name an incident annotation.
          </Alert>
        ) : incident ? (
          <IncidentView key={incident.id} incident={incident} onIncidentChange={replace} />
        ) : read.error ? (
          <Alert severity="error" title={notFound ? 'Incident not found' : 'The incident could not be read'}>
            {read.error.message}
            <TryAgain onRetry={read.retry} />
          </Alert>
        ) : (
          <LoadingPlaceholder text="Reading the incident annotation…" />
        )}
      </div>
    </PluginPage>
  );
}

/** The impact section's state, always true: ready to copy, still reading, or why there is none. */
function ImpactSectionBody({ evidence }: { evidence: IncidentEvidence }) {
  const styles = useStyles2(getStyles);
  const { state } = evidence.impact;
  if (state.kind === 'ready' && !state.noData) {
    return (
      <>
        <p className={styles.muted}>
          The postmortem&apos;s impact section for this window: the same Markdown as the AI impact panel and{' '}
          <code>aisre impact</code> print for it (preview it under Evidence, Markdown).
        </p>
        <ImpactActions report={state.report} markdown={state.markdown} />
      </>
    );
  }
  if (state.kind === 'loading') {
    return <p className={styles.muted}>Reading the evidence: the impact section follows from it.</p>;
  }
  if (state.kind === 'ready') {
    return <p className={styles.muted}>No impact section: no SLI has data for this incident&apos;s scope.</p>;
  }
  return (
    <div className={styles.muted}>
      No impact section: the evidence could not be read (see Evidence).
      <TryAgain onRetry={evidence.impact.retry} />
    </div>
  );
}

/** Each finding that needs attention, linked to the bundled dashboard panel that draws it, at the window. */
function FindingPanelLinks({
  evidence,
  window,
  preset,
  team,
}: {
  evidence: IncidentEvidence;
  window: { time: number; timeEnd: number };
  preset: PresetId;
  team?: string;
}) {
  const { state } = evidence.impact;
  if (state.kind !== 'ready') {
    return null;
  }
  const links = findingsNeedingAttention(state.report)
    .map((finding) => ({ finding, link: findingPanelLink(finding.title, window, preset, team) }))
    .filter((l) => l.link !== undefined);
  if (links.length === 0) {
    return null;
  }
  return (
    <ul aria-label="Findings on their dashboards" data-testid="incident-finding-links">
      {links.map(({ finding, link }) => (
        <li key={`${finding.sli}${JSON.stringify(finding.segment)}`}>
          {sliLabel(finding)}:{' '}
          <TextLink href={locationUtil.assureBaseUrl(link!.href)} inline>
            {link!.label}
          </TextLink>
        </li>
      ))}
    </ul>
  );
}

function IncidentView({
  incident,
  onIncidentChange,
}: {
  incident: IncidentAnnotation;
  onIncidentChange: (i: IncidentAnnotation) => void;
}) {
  const styles = useStyles2(getStyles);
  const settings = useAppSettings();
  const saved = readClassification(incident.tags).classification;
  const [form, setForm] = useState<Classification>(() => formFromTags(incident.tags));
  const [deniedByServer, setDeniedByServer] = useState(false);
  const [editing, setEditing] = useState<'window' | 'close' | undefined>();
  // An ongoing incident's window ends when the page read it: one instant, so the queries do not chase the clock.
  const [readAt] = useState(() => Date.now());
  const ongoing = isOngoing(incident);
  const span = incidentWindow(incident, readAt);
  const readOnly = deniedByServer || mayWriteAnnotations('annotations:write') === false;
  const evidence = useIncidentEvidence(
    incident,
    saved.team,
    settings.kind === 'loading' ? undefined : settings.settings,
    readAt
  );
  const onSaved = (next: IncidentAnnotation) => {
    setEditing(undefined);
    onIncidentChange(next);
  };
  const savedCategory = saved.category ? categoryById(saved.category) : undefined;
  // The bundled set the links point at: the one that reads the app's convention.
  const preset: PresetId = (settings.kind === 'loading' ? undefined : settings.settings.preset) ?? 'contract';

  return (
    <div className={styles.page}>
      <section aria-label="Incident" className={styles.header}>
        <div className={styles.facts}>
          <span data-testid="incident-window">
            <strong>{incidentWindowLabel(incident)}</strong>
            {!ongoing && ` (${durationLabel(incident)})`}
          </span>
          <span>Team: {saved.team ?? '—'}</span>
          <span>Category: {savedCategory?.title ?? 'Unclassified'}</span>
          <Badge
            text={saved.status ?? 'open'}
            color={saved.status === 'resolved' ? 'green' : saved.status === 'classified' ? 'blue' : 'orange'}
          />
          {saved.severity && <Badge text={saved.severity} color={saved.severity === 'page' ? 'red' : 'orange'} />}
          {!readOnly && !editing && ongoing && (
            <Button size="sm" variant="primary" icon="check" onClick={() => setEditing('close')}>
              Close incident
            </Button>
          )}
          {!readOnly && !editing && (
            <Button size="sm" variant="secondary" fill="outline" icon="pen" onClick={() => setEditing('window')}>
              {ongoing ? 'Edit start and text' : 'Edit window and text'}
            </Button>
          )}
        </div>
        {editing === 'window' && (
          <EditIncident incident={incident} onCancel={() => setEditing(undefined)} onSaved={onSaved} />
        )}
        {editing === 'close' && (
          <CloseIncident incident={incident} onCancel={() => setEditing(undefined)} onSaved={onSaved} />
        )}
        {/* Hostile input: React text only. */}
        <p className={styles.text} data-testid={incidentsTestIds.incident.text}>
          {incident.text || <span className={styles.muted}>(no text)</span>}
        </p>
        <IncidentLinks
          incident={incident}
          window={span}
          category={form.category ?? saved.category}
          team={saved.team}
          preset={preset}
          className={styles.links}
        />
        <FindingPanelLinks evidence={evidence} window={span} preset={preset} team={saved.team} />
        <TagsList tags={incident.tags} label="Tags" testId={incidentsTestIds.incident.tags} />
        {settings.kind === 'fallback' && (
          <Alert severity="info" title="The app's settings could not be read">
            Using the defaults (or the settings Grafana loaded with the page): {settings.failure.message}
          </Alert>
        )}
      </section>

      <div className={styles.columns}>
        <div className={styles.column}>
          <EvidenceSection evidence={evidence} windowFrom={Math.floor(incident.time / 1000)} ongoing={ongoing} />
        </div>
        <div className={styles.column}>
          <section aria-labelledby="incident-suggestions-heading" className={styles.section}>
            <h2 id="incident-suggestions-heading">Suggested categories</h2>
            {evidence.suggestions ? (
              <>
                <p className={styles.muted}>From the evidence; you decide. Choosing one fills the form below.</p>
                <SuggestionsList
                  suggestions={evidence.suggestions}
                  chosen={form.category}
                  disabled={readOnly}
                  onChoose={(category) =>
                    setForm((current) => ({
                      ...current,
                      category,
                      subcategory: current.category === category ? current.subcategory : undefined,
                      status: current.status === undefined || current.status === 'open' ? 'classified' : current.status,
                    }))
                  }
                />
              </>
            ) : evidence.impact.state.kind === 'loading' || evidence.changes.loading ? (
              <p className={styles.muted}>Reading the evidence: suggestions follow from it.</p>
            ) : (
              <p className={styles.muted}>
                No suggestions without evidence: classify from what you know, or as Undetermined.
              </p>
            )}
          </section>

          <ClassifySection
            incident={incident}
            form={form}
            onFormChange={setForm}
            onIncidentChange={onIncidentChange}
            readOnly={readOnly}
            onPermissionDenied={() => setDeniedByServer(true)}
          />

          <section
            aria-labelledby="incident-impact-heading"
            className={styles.section}
            data-testid={incidentsTestIds.incident.impact}
          >
            <h2 id="incident-impact-heading">Impact section</h2>
            <ImpactSectionBody evidence={evidence} />
          </section>
        </div>
      </div>
    </div>
  );
}

export default IncidentPage;

const getStyles = (theme: GrafanaTheme2) => ({
  container: css`
    max-width: 1800px;
  `,
  page: css`
    display: flex;
    flex-direction: column;
    gap: ${theme.spacing(3)};
    h2 {
      font-size: ${theme.typography.h4.fontSize};
    }
    h3 {
      font-size: ${theme.typography.h5.fontSize};
    }
  `,
  header: css`
    display: flex;
    flex-direction: column;
    gap: ${theme.spacing(1)};
  `,
  facts: css`
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: ${theme.spacing(2)};
  `,
  links: css`
    display: flex;
    flex-wrap: wrap;
    gap: ${theme.spacing(0.5, 3)};
    list-style: none;
    margin: 0;
    padding: 0;
  `,
  // Two columns on wide screens: the evidence, and what the SRE does with it.
  columns: css`
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: ${theme.spacing(3)};
    @media (min-width: 1200px) {
      grid-template-columns: minmax(0, 3fr) minmax(340px, 2fr);
    }
  `,
  column: css`
    display: flex;
    flex-direction: column;
    gap: ${theme.spacing(3)};
    min-width: 0;
  `,
  section: css`
    display: flex;
    flex-direction: column;
    gap: ${theme.spacing(1)};
  `,
  text: css`
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    margin: 0;
  `,
  muted: css`
    color: ${theme.colors.text.secondary};
    margin: 0;
  `,
});
