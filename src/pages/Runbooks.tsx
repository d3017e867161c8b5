/**
 * The Runbooks page: the four runbooks (built in, or the team's URL or Markdown from the app's configuration)
 * and each incident category's investigation path. Anchors `#runbook-<id>` and `#category-<id>` let the
 * incident page deep-link here. Markdown from settings goes through Grafana's sanitising renderMarkdown only.
 */
import { css } from '@emotion/css';
import { type GrafanaTheme2, renderMarkdown } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Badge, Collapse, LoadingPlaceholder, Stack, Text, TextLink, useStyles2 } from '@grafana/ui';
import React, { useEffect, useLayoutEffect, useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { testIds } from '../components/testIds';
import { SLI_DEFINITIONS } from '../core/metrics';
import {
  builtinRunbook,
  categoryAnchor,
  resolveRunbook,
  runbookAnchor,
  type ResolvedRunbook,
  type Runbook,
  type RunbookId,
  RUNBOOKS,
} from '../core/runbooks';
import { type AppSettings } from '../core/settings';
import { type Category, CATEGORIES } from '../core/taxonomy';
import { useAppSettings } from '../shared/settings';

const SLI_TITLES = new Map<string, string>(SLI_DEFINITIONS.map((d) => [d.id, d.title]));

/** Markdown -> sanitised HTML (Grafana's renderMarkdown strips scripts, event handlers and javascript: links). */
function MarkdownBody({ markdown }: { markdown: string }) {
  const styles = useStyles2(getStyles);
  return (
    <div
      className={`markdown-html ${styles.markdown}`}
      dangerouslySetInnerHTML={{ __html: renderMarkdown(markdown) }}
    />
  );
}

function BuiltinBody({ runbook }: { runbook: Runbook }) {
  return <MarkdownBody markdown={runbook.markdown} />;
}

/** Keeps the built-in runbook one click away when a team's URL replaces it. */
function BuiltinFallback({ id }: { id: RunbookId }) {
  const [open, setOpen] = useState(false);
  return (
    <Collapse label="The built-in runbook" isOpen={open} onToggle={() => setOpen(!open)}>
      <BuiltinBody runbook={builtinRunbook(id)} />
    </Collapse>
  );
}

function RunbookBody({ id, resolved }: { id: RunbookId; resolved: ResolvedRunbook }) {
  switch (resolved.kind) {
    case 'url':
      return (
        <Stack direction="column" gap={1}>
          <Text>
            Your team keeps this runbook at{' '}
            <TextLink href={resolved.url} external>
              {resolved.url}
            </TextLink>
            .
          </Text>
          <BuiltinFallback id={id} />
        </Stack>
      );
    case 'markdown':
      return <MarkdownBody markdown={resolved.markdown} />;
    case 'builtin':
      return <BuiltinBody runbook={resolved.runbook} />;
  }
}

function RunbookSection({ runbook, settings }: { runbook: Runbook; settings: AppSettings }) {
  const styles = useStyles2(getStyles);
  const resolved = resolveRunbook(runbook.id, settings.runbooks);
  const headingId = `${runbookAnchor(runbook.id)}-title`;
  return (
    <section
      id={runbookAnchor(runbook.id)}
      aria-labelledby={headingId}
      className={styles.section}
      data-testid={`runbook ${runbook.id}`}
    >
      <Stack direction="row" gap={1} alignItems="center" wrap="wrap">
        <h2 id={headingId} className={styles.heading}>
          {runbook.title}
        </h2>
        {resolved.kind === 'builtin' ? (
          <Badge color="blue" text="Built in" />
        ) : (
          <Badge color="purple" text="Your team's runbook" tooltip="Set in the app's configuration" />
        )}
      </Stack>
      <Text element="p" color="secondary">
        {runbook.summary}
      </Text>
      <RunbookBody id={runbook.id} resolved={resolved} />
    </section>
  );
}

function CategorySection({ category }: { category: Category }) {
  const styles = useStyles2(getStyles);
  const headingId = `${categoryAnchor(category.id)}-title`;
  const runbook = category.runbook ? RUNBOOKS.find((r) => r.id === category.runbook) : undefined;
  return (
    <section
      id={categoryAnchor(category.id)}
      aria-labelledby={headingId}
      className={styles.section}
      data-testid={`category ${category.id}`}
    >
      <h3 id={headingId} className={styles.heading}>
        {category.title} <code className={styles.tag}>ai-category:{category.id}</code>
      </h3>
      <Text element="p">{category.description}</Text>
      {category.signals.length > 0 && (
        <Text element="p" color="secondary">
          Signals: {category.signals.map((s) => SLI_TITLES.get(s) ?? s).join(', ')}.
        </Text>
      )}
      <h4 className={styles.subheading}>Investigation path</h4>
      <ol className={styles.list}>
        {category.investigationPath.map((step, i) => (
          <li key={i}>{step}</li>
        ))}
      </ol>
      {category.subcategories.length > 0 && (
        <>
          <h4 className={styles.subheading}>Sub-categories</h4>
          <ul className={styles.list}>
            {category.subcategories.map((sub) => (
              <li key={sub.id}>
                <strong>{sub.title}</strong> <code className={styles.tag}>ai-subcategory:{sub.id}</code>:{' '}
                {sub.description}
              </li>
            ))}
          </ul>
        </>
      )}
      <Text element="p">
        {runbook ? (
          <>
            Runbook:{' '}
            <TextLink href={`#${runbookAnchor(runbook.id)}`} inline>
              {runbook.title}
            </TextLink>
          </>
        ) : (
          'No built-in runbook applies: follow the investigation path and your team’s incident process.'
        )}
      </Text>
      {category.references && category.references.length > 0 && (
        <Text element="p" color="secondary">
          References: {category.references.join('; ')}
        </Text>
      )}
    </section>
  );
}

/** Names the configuration remaps, so a reader translates the PromQL of the built-in runbooks. */
function RemappedNames({ settings }: { settings: AppSettings }) {
  const metrics = Object.entries(settings.metricNames ?? {});
  const labels = Object.entries(settings.labelNames ?? {});
  if (metrics.length === 0 && labels.length === 0) {
    return null;
  }
  return (
    <Alert severity="info" title="Your metric names differ from the runbooks' PromQL">
      The built-in runbooks query the metrics contract’s default names. This Grafana maps{' '}
      {[...metrics.map(([from, to]) => `${from} → ${to}`), ...labels.map(([from, to]) => `label ${from} → ${to}`)].join(
        ', '
      )}
      : substitute them when you run the queries.
    </Alert>
  );
}

function Contents() {
  const styles = useStyles2(getStyles);
  return (
    <nav aria-label="On this page" className={styles.contents}>
      <Stack direction="row" gap={4} wrap="wrap">
        <div>
          <Text weight="medium">Runbooks</Text>
          <ul className={styles.list}>
            {RUNBOOKS.map((r) => (
              <li key={r.id}>
                <TextLink href={`#${runbookAnchor(r.id)}`} inline>
                  {r.title}
                </TextLink>
              </li>
            ))}
          </ul>
        </div>
        <div>
          <Text weight="medium">Investigation paths</Text>
          <ul className={styles.list}>
            {CATEGORIES.map((c) => (
              <li key={c.id}>
                <TextLink href={`#${categoryAnchor(c.id)}`} inline>
                  {c.title}
                </TextLink>
              </li>
            ))}
          </ul>
        </div>
      </Stack>
    </nav>
  );
}

/**
 * Scrolls to the anchor in the URL (a deep link from an incident) once the content is there: in the same commit,
 * before the browser paints, so the page never shows its top first.
 */
function useScrollToHash(ready: boolean) {
  const { hash } = useLocation();
  useLayoutEffect(() => {
    if (!ready || !hash) {
      return;
    }
    const target = document.getElementById(decodeURIComponent(hash.slice(1)));
    target?.scrollIntoView?.({ block: 'start' });
  }, [hash, ready]);
}

/** In-page links go through the router, so Grafana's link handling keeps the page and the hash scrolls. */
function useInPageLinks(container: HTMLElement | null) {
  const navigate = useNavigate();
  useEffect(() => {
    if (!container) {
      return;
    }
    const onClick = (event: MouseEvent) => {
      const anchor = (event.target as HTMLElement | null)?.closest?.('a');
      const href = anchor?.getAttribute('href');
      if (href?.startsWith('#') && !event.defaultPrevented && event.button === 0 && !event.metaKey && !event.ctrlKey) {
        event.preventDefault();
        navigate({ hash: href }, { replace: true });
        document.getElementById(decodeURIComponent(href.slice(1)))?.scrollIntoView?.({ block: 'start' });
      }
    };
    container.addEventListener('click', onClick);
    return () => container.removeEventListener('click', onClick);
  }, [container, navigate]);
}

function Runbooks() {
  const styles = useStyles2(getStyles);
  const state = useAppSettings();
  const [container, setContainer] = useState<HTMLDivElement | null>(null);
  useScrollToHash(state.kind !== 'loading');
  useInPageLinks(container);

  return (
    <PluginPage>
      <div data-testid={testIds.runbooks.container} ref={setContainer} className={styles.page}>
        <Text element="p">
          What to do once an incident is classified: the model rollback, retrieval quarantine, output distribution alert
          thresholds and injection surface audit runbooks, and the investigation path of every incident category. An
          administrator can replace each runbook with your team’s own link or text in the app’s configuration.
        </Text>
        {state.kind === 'fallback' && (
          <Alert severity="warning" title="Could not read the app's configuration">
            {state.failure.message} The runbooks below are{' '}
            {Object.keys(state.settings).length ? 'as configured when this page was opened' : 'the built-in ones'}.
          </Alert>
        )}
        <Contents />
        {state.kind === 'loading' ? (
          <LoadingPlaceholder text="Loading your team's runbooks…" />
        ) : (
          <>
            <RemappedNames settings={state.settings} />
            {RUNBOOKS.map((runbook) => (
              <RunbookSection key={runbook.id} runbook={runbook} settings={state.settings} />
            ))}
            <h2 className={styles.heading}>Investigation paths by category</h2>
            {CATEGORIES.map((category) => (
              <CategorySection key={category.id} category={category} />
            ))}
          </>
        )}
      </div>
    </PluginPage>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ maxWidth: 1000 }),
  section: css({
    padding: theme.spacing(2, 0),
    borderTop: `1px solid ${theme.colors.border.weak}`,
    scrollMarginTop: theme.spacing(8),
  }),
  heading: css({ margin: 0 }),
  subheading: css({ margin: theme.spacing(1.5, 0, 0.5), fontSize: theme.typography.h5.fontSize }),
  list: css({ paddingLeft: theme.spacing(3), marginBottom: theme.spacing(1) }),
  tag: css({ fontSize: theme.typography.bodySmall.fontSize }),
  contents: css({ margin: theme.spacing(2, 0) }),
  markdown: css({
    'pre, code': { whiteSpace: 'pre-wrap', wordBreak: 'break-word' },
    'h3, h4': { marginTop: theme.spacing(2) },
  }),
});

export default Runbooks;
