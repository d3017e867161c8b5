/**
 * The report's header on both faces: the window, the baseline it is judged against, the scope (the label
 * matchers every query carried) and where that scope comes from. The panel scopes by the dashboard's variables
 * and the incident page by the incident's team tag, so the same window can read different numbers: the header
 * says which, so the two never disagree silently.
 */
import { css, cx } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { Icon, Tooltip, useStyles2 } from '@grafana/ui';
import React from 'react';
import { formatDuration } from '../../core/format';
import { type ImpactReport } from '../../core/report';
import { formatUserTimeWithZone, windowLabel } from '../time';
import { definitionListStyle } from './definitionList';

const BASELINE_WORDS: Record<ImpactReport['baseline']['mode'], string> = {
  preceding: 'the preceding interval of equal length',
  days_earlier: 'the same interval days earlier',
  fixed: 'a fixed interval',
  median_weeks: 'the median of the same interval in past weeks',
};

const asWindow = (interval: { from: string; to: string }) => ({
  time: Date.parse(interval.from),
  timeEnd: Date.parse(interval.to),
});

export function ImpactScope({
  report,
  datasourceName,
  scopeSource,
  refreshing,
  ongoing,
}: {
  report: ImpactReport;
  datasourceName: string;
  /** Where the scope comes from, in words: "the dashboard's variables", "the incident's team tag". */
  scopeSource: string;
  refreshing?: boolean;
  /** An incident that has not ended: the window is read up to now, and the header says so. */
  ongoing?: boolean;
}) {
  const styles = useStyles2(getStyles);
  const baselineSeconds = (Date.parse(report.baseline.to) - Date.parse(report.baseline.from)) / 1000;
  return (
    <dl className={styles.scope} data-testid="impact-scope" aria-label="What this report compares">
      <div>
        <dt>Window</dt>
        <dd>
          {ongoing
            ? `since ${formatUserTimeWithZone(Date.parse(report.window.from))} (ongoing: read up to now, ${formatUserTimeWithZone(Date.parse(report.window.to))})`
            : windowLabel(asWindow(report.window))}
        </dd>
      </div>
      <div>
        <dt>Baseline</dt>
        <dd>
          {windowLabel(asWindow(report.baseline))} ({formatDuration(baselineSeconds)},{' '}
          {BASELINE_WORDS[report.baseline.mode]}
          {report.baseline.excluded.length ? `, ${report.baseline.excluded.length} other incident(s) left out` : ''})
        </dd>
      </div>
      <div>
        <dt>Scope</dt>
        <dd>
          {report.selector ? <code>{report.selector}</code> : 'all series'}{' '}
          <Tooltip content={`The label matchers every query carried, from ${scopeSource}.`}>
            <span className={styles.why}>
              from {scopeSource} <Icon name="info-circle" size="sm" />
            </span>
          </Tooltip>
        </dd>
      </div>
      <div>
        <dt>Data source</dt>
        <dd>{datasourceName}</dd>
      </div>
      {refreshing && (
        <div className={styles.refreshing} role="status" data-testid="impact-refreshing">
          <Icon name="sync" size="sm" className={styles.spin} /> Refreshing…
        </div>
      )}
    </dl>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  scope: cx(
    definitionListStyle(theme),
    css`
      display: flex;
      flex-wrap: wrap;
      gap: ${theme.spacing(0.5, 2)};
    `
  ),
  why: css`
    cursor: help;
    white-space: nowrap;
  `,
  refreshing: css`
    margin-left: auto;
  `,
  spin: css`
    @media (prefers-reduced-motion: no-preference) {
      animation: aisre-spin 1.5s linear infinite;
    }
    @keyframes aisre-spin {
      to {
        transform: rotate(360deg);
      }
    }
  `,
});
