/**
 * The panel's exports: copy the impact section's Markdown, download it as `.md`, and the report as `.json`
 * (what `aisre impact` and `aisre impact --format json` print for the same window).
 */
import { AppEvents } from '@grafana/data';
import { getAppEvents } from '@grafana/runtime';
import { Button, Stack } from '@grafana/ui';
import React, { useEffect, useState } from 'react';
import { type ImpactReport } from '../../core/report';
import { logger } from '../logger';
import { copyText, downloadText, exportFileName, reportJson } from './exporters';

const COPIED_FOR_MS = 2000;

export function ImpactActions({ report, markdown }: { report: ImpactReport; markdown: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) {
      return;
    }
    const timer = setTimeout(() => setCopied(false), COPIED_FOR_MS);
    return () => clearTimeout(timer);
  }, [copied]);

  const onCopy = async () => {
    try {
      await copyText(markdown);
      setCopied(true);
      getAppEvents().publish({ type: AppEvents.alertSuccess.name, payload: ['Impact section copied as Markdown'] });
    } catch (error) {
      logger.warn('impact panel: copy failed', { error: String(error) });
      getAppEvents().publish({
        type: AppEvents.alertError.name,
        payload: ['Could not copy: the browser refused the clipboard. Use Download .md instead.'],
      });
    }
  };

  return (
    <Stack gap={1} wrap="wrap">
      <Button
        size="sm"
        icon={copied ? 'check' : 'copy'}
        variant="secondary"
        onClick={onCopy}
        tooltip="Copy the impact section as Markdown"
      >
        {copied ? 'Copied' : 'Copy Markdown'}
      </Button>
      <Button
        size="sm"
        icon="download-alt"
        variant="secondary"
        aria-label="Download Markdown (.md)"
        onClick={() => downloadText(markdown, exportFileName(report, 'md'), 'text/markdown;charset=utf-8')}
      >
        .md
      </Button>
      <Button
        size="sm"
        icon="download-alt"
        variant="secondary"
        aria-label="Download JSON (.json)"
        onClick={() =>
          downloadText(reportJson(report), exportFileName(report, 'json'), 'application/json;charset=utf-8')
        }
      >
        .json
      </Button>
    </Stack>
  );
}
