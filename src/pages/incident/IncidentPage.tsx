/**
 * The Incident page for one `ai-incident` annotation (route `incidents/:id?from=<ms>&to=<ms>`): what was marked,
 * the evidence in its window, suggested categories, the classification form, the impact section to copy into the
 * postmortem, and links to the runbook and the dashboards at the window. Read-only for users who may not write
 * annotations; annotation text is shown as text only.
 */
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Badge, LinkButton, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import React, { useEffect, useState } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import { readClassification, type Classification } from '../../core/tags';
import { categoryById } from '../../core/taxonomy';
import { ImpactActions } from '../../panels/impact/ImpactActions';
import { getIncident, type IncidentAnnotation } from '../../shared/annotations';
import { useAppSettings } from '../../shared/settings';
import { ROUTES } from '../../constants';
import { prefixRoute } from '../../utils/utils.routing';
import { windowLabel } from '../../shared/time';
import { durationLabel } from '../incidents/format';
import { mayWriteAnnotations } from '../incidents/permissions';
import { incidentsTestIds } from '../incidents/testIds';
import { ClassifySection } from './Classify';
import { formFromTags } from './classify';
import { EvidenceSection, EvidenceStateMessage } from './Evidence';
import { IncidentLinks } from './Links';
import { SuggestionsList } from './Suggestions';
import { TagsList } from './TagsList';
import { useIncidentEvidence } from './useIncidentEvidence';

type Loaded =
  | { kind: 'loading' }
  | { kind: 'error'; message: string; notFound: boolean }
  | { kind: 'ready'; incident: IncidentAnnotation };

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

function useIncident(id: number | undefined, hint: { time: number; timeEnd: number } | undefined) {
  const hintKey = hint ? `${hint.time}-${hint.timeEnd}` : '';
  const key = `${id}/${hintKey}`;
  const [loaded, setLoaded] = useState<{ key: string; loaded: Loaded }>({ key: '', loaded: { kind: 'loading' } });
  useEffect(() => {
    if (id === undefined) {
      return;
    }
    let current = true;
    getIncident(id, hint).then(
      (incident) => current && setLoaded({ key, loaded: { kind: 'ready', incident } }),
      (error: unknown) =>
        current &&
        setLoaded({
          key,
          loaded: {
            kind: 'error',
            message: error instanceof Error ? error.message : String(error),
            notFound: (error as { kind?: string }).kind === 'not_found',
          },
        })
    );
    return () => {
      current = false;
    };
    // The hint is read through the key.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const setIncident = (incident: IncidentAnnotation) => setLoaded({ key, loaded: { kind: 'ready', incident } });
  if (id === undefined) {
    return {
      loaded: { kind: 'error', message: 'This link does not name an incident annotation.', notFound: true } as Loaded,
      setIncident,
    };
  }
  return { loaded: loaded.key === key ? loaded.loaded : ({ kind: 'loading' } as Loaded), setIncident };
}

function BackToList() {
  return (
    <LinkButton variant="secondary" icon="arrow-left" href={prefixRoute(ROUTES.Incidents)}>
      All incidents
    </LinkButton>
  );
}

function IncidentPage() {
  const { id, window } = useIncidentRef();
  const { loaded, setIncident } = useIncident(id, window);
  return (
    <PluginPage
      pageNav={{ text: loaded.kind === 'ready' ? `Incident ${windowLabel(loaded.incident)}` : 'Incident' }}
      actions={<BackToList />}
    >
      <div data-testid={incidentsTestIds.incident.container}>
        {loaded.kind === 'loading' && <LoadingPlaceholder text="Reading the incident annotation…" />}
        {loaded.kind === 'error' && (
          <Alert severity="error" title={loaded.notFound ? 'Incident not found' : 'The incident could not be read'}>
            {loaded.message}
          </Alert>
        )}
        {loaded.kind === 'ready' && (
          <IncidentView key={loaded.incident.id} incident={loaded.incident} onIncidentChange={setIncident} />
        )}
      </div>
    </PluginPage>
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
  const readOnly = deniedByServer || mayWriteAnnotations('annotations:write') === false;
  const evidence = useIncidentEvidence(
    incident,
    saved.team,
    settings.kind === 'loading' ? undefined : settings.settings
  );
  const savedCategory = saved.category ? categoryById(saved.category) : undefined;

  return (
    <div className={styles.page}>
      <section aria-label="Incident" className={styles.header}>
        <div className={styles.facts}>
          <span>
            <strong>{windowLabel(incident)}</strong> ({durationLabel(incident)})
          </span>
          <span>Team: {saved.team ?? '—'}</span>
          <span>Category: {savedCategory?.title ?? 'Unclassified'}</span>
          <Badge
            text={saved.status ?? 'open'}
            color={saved.status === 'resolved' ? 'green' : saved.status === 'classified' ? 'blue' : 'orange'}
          />
          {saved.severity && <Badge text={saved.severity} color={saved.severity === 'page' ? 'red' : 'orange'} />}
        </div>
        {/* Hostile input: React text only. */}
        <p className={styles.text} data-testid={incidentsTestIds.incident.text}>
          {incident.text || <span className={styles.muted}>(no text)</span>}
        </p>
        <TagsList tags={incident.tags} label="Tags" testId={incidentsTestIds.incident.tags} />
        {settings.kind === 'fallback' && (
          <Alert severity="info" title="The app's settings could not be read">
            Using the defaults (or the settings Grafana loaded with the page): {settings.failure.message}
          </Alert>
        )}
      </section>

      <EvidenceSection state={evidence} windowFrom={Math.floor(incident.time / 1000)} />

      <section aria-labelledby="incident-suggestions-heading" className={styles.section}>
        <h3 id="incident-suggestions-heading">Suggested categories</h3>
        {evidence.kind === 'ready' ? (
          <>
            <p className={styles.muted}>From the evidence above; you decide. Choosing one fills the form below.</p>
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
        ) : evidence.kind === 'loading' ? (
          <EvidenceStateMessage state={evidence} />
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
        <h3 id="incident-impact-heading">Impact section</h3>
        {evidence.kind === 'ready' && !evidence.noData ? (
          <>
            <p className={styles.muted}>
              The postmortem&apos;s impact section for this window: the same Markdown as the AI impact panel and{' '}
              <code>aisre impact</code> print for it (preview it under Evidence, Markdown).
            </p>
            <ImpactActions report={evidence.report} markdown={evidence.markdown} />
          </>
        ) : (
          <p className={styles.muted}>Available once the evidence has been read.</p>
        )}
      </section>

      <section aria-labelledby="incident-links-heading" className={styles.section}>
        <h3 id="incident-links-heading">Links</h3>
        <IncidentLinks incident={incident} category={form.category ?? saved.category} team={saved.team} />
      </section>
    </div>
  );
}

export default IncidentPage;

const getStyles = (theme: GrafanaTheme2) => ({
  page: css`
    display: flex;
    flex-direction: column;
    gap: ${theme.spacing(3)};
    max-width: 1100px;
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
