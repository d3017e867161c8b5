/**
 * A finished impact report in the panel: one row per finding that needs attention (verdict colour and the core's
 * sentence), the caveats, every finding as a table, and the exact Markdown that is copied and downloaded.
 *
 * Sentences and the findings table are the core's Markdown (src/core/render.ts), shown through Grafana's
 * renderMarkdown, which sanitises the HTML it produces. We render rather than show Markdown source because the
 * core already escaped every label value and annotation string it writes (escapeMarkdown), so data cannot become
 * a tag or a link, and the sanitiser is a second guard; the numbers and words stay the ones that are exported.
 */
import { css } from '@emotion/css';
import { type GrafanaTheme2, renderMarkdown as markdownToSafeHtml } from '@grafana/data';
import { Collapse, RadioButtonGroup, useStyles2 } from '@grafana/ui';
import React, { useState } from 'react';
import { findingSentence, findingsTable, GLOSSARY, sliTitles, VERDICT_WORD } from '../../core/render';
import { type Finding, type ImpactReport, type Verdict } from '../../core/report';

// No data first: an outage must never hide below the regressions it causes elsewhere.
const ATTENTION_ORDER: Verdict[] = ['no_data', 'page', 'investigate', 'insufficient_data'];

/** "Retrieval latency (endpoint /chat)": the SLI by its title, with its segment when grouped. */
export function sliLabel(finding: Finding): string {
  const segment = Object.entries(finding.segment)
    .map(([label, value]) => `${label} ${value || '(none)'}`)
    .join(', ');
  return segment ? `${finding.title} (${segment})` : finding.title;
}

/** The findings the summary lists: not ok, pages first. */
export function findingsNeedingAttention(report: ImpactReport): Finding[] {
  return report.findings
    .filter((f) => f.verdict !== 'ok')
    .sort((a, b) => ATTENTION_ORDER.indexOf(a.verdict) - ATTENTION_ORDER.indexOf(b.verdict));
}

/** The colour a verdict is shown in: page = error, investigate = warning, insufficient data = muted. */
function verdictColor(theme: GrafanaTheme2, verdict: Verdict): string {
  switch (verdict) {
    case 'page':
    case 'no_data':
      return theme.colors.error.text;
    case 'investigate':
      return theme.colors.warning.text;
    case 'insufficient_data':
      return theme.colors.text.disabled;
    default:
      return theme.colors.success.text;
  }
}

function SafeMarkdown({ markdown, className }: { markdown: string; className?: string }) {
  // Grafana's renderMarkdown sanitises its output; the input is the core's escaped Markdown.
  return <div className={className} dangerouslySetInnerHTML={{ __html: markdownToSafeHtml(markdown) }} />;
}

function FindingRow({ finding, report }: { finding: Finding; report: ImpactReport }) {
  const styles = useStyles2(getStyles);
  const verdictStyle = useStyles2(getVerdictStyle, finding.verdict);
  return (
    <li className={styles.row} data-testid="impact-finding" data-verdict={finding.verdict}>
      <span className={verdictStyle} data-testid="impact-verdict">
        {VERDICT_WORD[finding.verdict]}
      </span>
      <div className={styles.sentence}>
        <SafeMarkdown markdown={findingSentence(finding, report)} className={styles.markdown} />
        {(finding.verdict === 'insufficient_data' || finding.verdict === 'no_data') && (
          <div className={styles.reason}>{finding.reason}</div>
        )}
      </div>
    </li>
  );
}

export function ImpactReportView({
  report,
  markdown,
  notes,
}: {
  report: ImpactReport;
  markdown: string;
  notes: string[];
}) {
  const styles = useStyles2(getStyles);
  const [allOpen, setAllOpen] = useState(false);
  const [previewOpen, setPreviewOpen] = useState(false);
  const [previewMode, setPreviewMode] = useState<'source' | 'rendered'>('source');
  const attention = findingsNeedingAttention(report);
  const caveats = [...notes, ...report.caveats];
  return (
    <div className={styles.report}>
      {attention.length > 0 ? (
        <ul className={styles.list} aria-label="Findings that need attention">
          {attention.map((finding) => (
            <FindingRow key={`${finding.sli}${JSON.stringify(finding.segment)}`} finding={finding} report={report} />
          ))}
        </ul>
      ) : (
        <p className={styles.allOk}>
          Every SLI is OK in this window: nothing regressed past the investigate threshold with significance.
        </p>
      )}
      {(caveats.length > 0 || report.missingSlis.length > 0) && (
        <ul className={styles.caveats} aria-label="Caveats">
          {caveats.map((caveat) => (
            <li key={caveat}>{caveat}</li>
          ))}
          {report.missingSlis.length > 0 && (
            <li>
              Not measured (no series with this scope, so nothing is said about them):{' '}
              {sliTitles(report.missingSlis).join(', ')}.
            </li>
          )}
        </ul>
      )}
      <Collapse
        label={`All findings (${report.findings.length})`}
        isOpen={allOpen}
        onToggle={() => setAllOpen(!allOpen)}
      >
        <SafeMarkdown markdown={findingsTable(report)} className={styles.markdown} />
        <dl className={styles.glossary} aria-label="What the numbers mean">
          {GLOSSARY.map(([term, meaning]) => (
            <div key={term}>
              <dt>{term}</dt>
              <dd>{meaning}</dd>
            </div>
          ))}
        </dl>
      </Collapse>
      <Collapse label="Markdown" isOpen={previewOpen} onToggle={() => setPreviewOpen(!previewOpen)}>
        <RadioButtonGroup
          aria-label="Markdown preview"
          size="sm"
          value={previewMode}
          onChange={setPreviewMode}
          options={[
            { label: 'Source', value: 'source', description: 'Exactly what Copy and Download give' },
            { label: 'Rendered', value: 'rendered' },
          ]}
        />
        {previewMode === 'source' ? (
          <pre className={styles.source} data-testid="impact-markdown-source">
            {markdown}
          </pre>
        ) : (
          <SafeMarkdown markdown={markdown} className={styles.markdown} />
        )}
      </Collapse>
    </div>
  );
}

const getVerdictStyle = (theme: GrafanaTheme2, verdict: Verdict) => css`
  color: ${verdictColor(theme, verdict)};
  font-weight: ${theme.typography.fontWeightMedium};
  min-width: 9em;
  flex-shrink: 0;
`;

const getStyles = (theme: GrafanaTheme2) => ({
  report: css`
    display: flex;
    flex-direction: column;
    gap: ${theme.spacing(1)};
  `,
  list: css`
    list-style: none;
    margin: 0;
    padding: 0;
  `,
  row: css`
    display: flex;
    gap: ${theme.spacing(1)};
    padding: ${theme.spacing(0.5, 0)};
    border-bottom: 1px solid ${theme.colors.border.weak};
  `,
  sentence: css`
    min-width: 0;
  `,
  reason: css`
    color: ${theme.colors.text.secondary};
    font-size: ${theme.typography.bodySmall.fontSize};
  `,
  allOk: css`
    color: ${theme.colors.success.text};
    margin: 0;
  `,
  caveats: css`
    color: ${theme.colors.text.secondary};
    font-size: ${theme.typography.bodySmall.fontSize};
    margin: 0;
    padding-left: ${theme.spacing(2)};
  `,
  markdown: css`
    p {
      margin: 0;
    }
    table {
      width: 100%;
      font-size: ${theme.typography.bodySmall.fontSize};
    }
    th,
    td {
      padding: ${theme.spacing(0.25, 0.5)};
      border-bottom: 1px solid ${theme.colors.border.weak};
    }
  `,
  glossary: css`
    margin: ${theme.spacing(1, 0, 0)};
    font-size: ${theme.typography.bodySmall.fontSize};
    color: ${theme.colors.text.secondary};
    dt {
      display: inline;
      font-weight: ${theme.typography.fontWeightMedium};
      margin-right: ${theme.spacing(0.5)};
    }
    dd {
      display: inline;
      margin: 0;
    }
  `,
  source: css`
    white-space: pre-wrap;
    word-break: break-word;
    font-size: ${theme.typography.bodySmall.fontSize};
    max-height: 40em;
    overflow: auto;
    margin-top: ${theme.spacing(1)};
  `,
});
