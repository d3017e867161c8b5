/** An annotation's tags as a row of monospace chips, in their stored order. Tags are user input: text only. */
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import React from 'react';

export function TagsList({ tags, label, testId }: { tags: string[]; label: string; testId?: string }) {
  const styles = useStyles2(getStyles);
  return (
    <ul className={styles.tags} aria-label={label} data-testid={testId}>
      {tags.map((tag) => (
        <li key={tag} className={styles.tag}>
          {tag}
        </li>
      ))}
    </ul>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  tags: css`
    display: inline-flex;
    flex-wrap: wrap;
    gap: ${theme.spacing(0.5)};
    list-style: none;
    margin: 0;
    padding: 0;
  `,
  tag: css`
    font-family: ${theme.typography.fontFamilyMonospace};
    font-size: ${theme.typography.bodySmall.fontSize};
    padding: ${theme.spacing(0, 0.5)};
    border: 1px solid ${theme.colors.border.medium};
    border-radius: ${theme.shape.radius.default};
    overflow-wrap: anywhere;
  `,
});
