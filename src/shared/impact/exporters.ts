/**
 * Getting the impact section out of the browser: the clipboard (with a fallback where the Clipboard API is not
 * allowed, e.g. plain-HTTP Grafana) and file downloads through a Blob and an `<a download>`.
 */
import { type ImpactReport } from '../../core/report';

/** Copies `text` exactly; resolves when it is on the clipboard, rejects when the browser refuses both ways. */
export async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return;
    } catch {
      // Denied (no secure context, no permission): try the older way below.
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  try {
    // Deprecated, but the only way left where the Clipboard API is refused.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    if (!document.execCommand('copy')) {
      throw new Error('the browser did not allow copying');
    }
  } finally {
    area.remove();
  }
}

/** Saves `text` as a file named `fileName`. */
export function downloadText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // After the click has been handled: revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** The JSON file: exactly what `aisre impact --format json` prints. */
export function reportJson(report: unknown): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** `impact-20261120T0200Z-20261120T0300Z.md`: the window in the name, safe on every file system. */
export function exportFileName(report: ImpactReport, extension: 'md' | 'json'): string {
  const compact = (iso: string) => iso.replace(/[-:]/g, '').replace(/(T\d{4})00Z$/, '$1Z');
  return `impact-${compact(report.window.from)}-${compact(report.window.to)}.${extension}`;
}
