/** The report's small definition lists, read as "Term meaning" runs: the scope header and the glossary. */
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';

export const definitionListStyle = (theme: GrafanaTheme2) => css`
  margin: 0;
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
    overflow-wrap: anywhere;
  }
`;
