/**
 * Suggested categories: the taxonomy's signals matched against the evidence (src/core/suggest.ts), ranked, each
 * with its reason in one line. The SRE chooses; `undetermined` is always offered, and `prompt` only when a
 * prompt version changed (the core gives it no score otherwise).
 */
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { Button, Icon, Tooltip, useStyles2 } from '@grafana/ui';
import React from 'react';
import { type Suggestion } from '../../core/suggest';
import { type CategoryId, categoryById } from '../../core/taxonomy';
import { incidentsTestIds } from '../incidents/testIds';

/** The suggestions worth showing: every category with a score, and `undetermined` whatever its score. */
function shownSuggestions(suggestions: Suggestion[]): Suggestion[] {
  return suggestions.filter((s) => s.score > 0 || s.category === 'undetermined');
}

/** A suggestion's strength next to the strongest one's, in words: the top one is not a certainty. */
function relativeStrength(score: number, strongest: number): string {
  if (score <= 0 || strongest <= 0) {
    return 'no signal of its own';
  }
  const ratio = score / strongest;
  return ratio >= 0.999
    ? 'strongest fit'
    : ratio >= 0.75
      ? 'almost as strong as the first'
      : ratio >= 0.4
        ? 'about half as strong as the first'
        : 'much weaker than the first';
}

const STRENGTH_HELP =
  'How well the evidence fits this category compared with the others: the SLIs typical of it that regressed, and the changes that explain them. A ranking, not a probability.';

interface Props {
  suggestions: Suggestion[];
  chosen?: CategoryId;
  onChoose: (category: CategoryId) => void;
  disabled?: boolean;
}

export function SuggestionsList({ suggestions, chosen, onChoose, disabled }: Props) {
  const styles = useStyles2(getStyles);
  const shown = shownSuggestions(suggestions);
  const strongest = Math.max(0, ...shown.filter((s) => s.category !== 'undetermined').map((s) => s.score));
  return (
    <ol className={styles.list} aria-label="Suggested categories" data-testid={incidentsTestIds.incident.suggestions}>
      {shown.map((s, rank) => {
        const title = categoryById(s.category)?.title ?? s.category;
        return (
          <li key={s.category} className={styles.item} data-category={s.category}>
            <div className={styles.text}>
              <span className={styles.rank}>{rank + 1}.</span> <strong>{title}</strong>{' '}
              <Tooltip content={STRENGTH_HELP}>
                <span className={styles.score} data-testid="suggestion-strength">
                  {s.category === 'undetermined' ? 'always offered' : relativeStrength(s.score, strongest)}{' '}
                  <Icon name="info-circle" size="xs" />
                </span>
              </Tooltip>
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
