/**
 * Suggested categories: the taxonomy's signals matched against the evidence (src/core/suggest.ts), ranked, each
 * with its reason in one line. The SRE chooses; `undetermined` is always offered, and `prompt` only when a
 * prompt version changed (the core gives it no score otherwise).
 */
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { Button, useStyles2 } from '@grafana/ui';
import React from 'react';
import { type Suggestion } from '../../core/suggest';
import { type CategoryId, categoryById } from '../../core/taxonomy';
import { incidentsTestIds } from '../incidents/testIds';

/** The suggestions worth showing: every category with a score, and `undetermined` whatever its score. */
export function shownSuggestions(suggestions: Suggestion[]): Suggestion[] {
  return suggestions.filter((s) => s.score > 0 || s.category === 'undetermined');
}

interface Props {
  suggestions: Suggestion[];
  chosen?: CategoryId;
  onChoose: (category: CategoryId) => void;
  disabled?: boolean;
}

export function SuggestionsList({ suggestions, chosen, onChoose, disabled }: Props) {
  const styles = useStyles2(getStyles);
  const shown = shownSuggestions(suggestions);
  return (
    <ol className={styles.list} aria-label="Suggested categories" data-testid={incidentsTestIds.incident.suggestions}>
      {shown.map((s, rank) => {
        const title = categoryById(s.category)?.title ?? s.category;
        return (
          <li key={s.category} className={styles.item} data-category={s.category}>
            <div className={styles.text}>
              <span className={styles.rank}>{rank + 1}.</span> <strong>{title}</strong>{' '}
              <span className={styles.score}>score {s.score.toFixed(2)}</span>
              <div className={styles.reason}>{s.reason}</div>
            </div>
            <Button
              size="sm"
              variant={chosen === s.category ? 'primary' : 'secondary'}
              icon={chosen === s.category ? 'check' : undefined}
              disabled={disabled}
              onClick={() => onChoose(s.category)}
              aria-label={`Choose ${title}`}
            >
              {chosen === s.category ? 'Chosen' : 'Choose'}
            </Button>
          </li>
        );
      })}
    </ol>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css`
    list-style: none;
    margin: 0;
    padding: 0;
  `,
  item: css`
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: ${theme.spacing(1)};
    padding: ${theme.spacing(0.5, 0)};
    border-bottom: 1px solid ${theme.colors.border.weak};
  `,
  text: css`
    min-width: 0;
  `,
  rank: css`
    color: ${theme.colors.text.secondary};
  `,
  score: css`
    color: ${theme.colors.text.secondary};
    font-size: ${theme.typography.bodySmall.fontSize};
  `,
  reason: css`
    color: ${theme.colors.text.secondary};
    overflow-wrap: anywhere;
  `,
});
