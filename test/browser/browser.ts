/**
 * The browser-test harness: builds (or reuses) the host bundle, reads the built plugin from dist/, checks
 * the host supplies every module it asks for, starts the fake Grafana backend and a real Chromium
 * (Debian's /usr/bin/chromium through playwright-core), and opens a panel or an app page as Grafana would
 * load it. Each opened page collects console errors, uncaught exceptions, failed requests and dialogs;
 * `close()` fails the test when there were errors it was not told to expect.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { type Browser, type BrowserContext, type Locator, type Page, chromium } from 'playwright-core';

import { REPO_ROOT } from '../aisre';
import { type FakeGrafana, type FakeGrafanaOptions, startFakeGrafana } from './fakeGrafana';
import { type GrafanaGeneration, REFUSED_MODULES, ensureHostBundle } from './hostBundle';
import { type DistPlugin, assertHostSupplies, readDistPlugins } from './pluginDist';
import {
  type DashboardRenderRequest,
  type HostTimeRange,
  type HostVariable,
  type PanelRenderRequest,
} from './protocol';

export const CHROMIUM = process.env.AISRE_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** Screenshots land here; artifacts/ is gitignored and kept by CI. */
export const ARTIFACTS_DIR = join(REPO_ROOT, 'artifacts', 'browser');

export type BrowserHarnessOptions = Omit<FakeGrafanaOptions, 'hostBundle' | 'plugins'> & {
  /** The browser's own time zone (an IANA name; default UTC), apart from the user's Grafana preference. */
  browserTimeZone?: string;
  /** Whose shared modules the host gives the plugin: Grafana 12 (React 18, the default) or 13 (React 19). */
  grafana?: GrafanaGeneration;
};

interface OpenPanelOptions {
  /** The nested plugin's folder under dist/ (e.g. `panels/impact`) or its plugin id. */
  pluginDir?: string;
  pluginId?: string;
  options?: Record<string, unknown>;
  /** The saved panel's `pluginVersion` (see PanelRenderRequest). */
  pluginVersion?: string;
  timeRange: HostTimeRange;
  variables?: HostVariable[];
  width?: number;
  height?: number;
  title?: string;
  dashboardUid?: string;
  /** Console errors matching these are expected (e.g. a test of a failing backend); others still fail. */
  allowConsoleErrors?: RegExp[];
}

type OpenDashboardOptions = Omit<DashboardRenderRequest, 'timeZone'> & {
  allowConsoleErrors?: RegExp[];
};

interface OpenAppPageOptions {
  /** The browser path, e.g. `/a/aisre-reliability-app/incidents`. */
  path: string;
  allowConsoleErrors?: RegExp[];
}

export interface OpenedPage {
  page: Page;
  /** console.error messages, uncaught exceptions and failed requests, as they happened. */
  errors: string[];
  /** console.warn messages (not failures; for a test that wants to look). */
  warnings: string[];
  /** Messages of alert/confirm/prompt dialogs the page opened (each was dismissed). */
  dialogs: string[];
  /** Texts the page wrote with navigator.clipboard.writeText, in order. */
  clipboardWrites(): Promise<string[]>;
  /** The system clipboard as the page would read it (permission granted). */
  readClipboard(): Promise<string>;
  /**
   * Waits until `locator` is visible, failing at once (with the page's errors) when the page has logged an
   * unexpected error: a chunk that 404s or a render that throws does not leave the test waiting for the timeout.
   */
  waitFor(locator: Locator, timeoutMs?: number): Promise<void>;
  /** Saves a full-page PNG under artifacts/browser/ and returns its path. */
  screenshot(name: string): Promise<string>;
  /** Closes the page; throws when it logged errors not allowed by `allowConsoleErrors`. */
  close(): Promise<void>;
}

export interface BrowserHarness {
  grafana: FakeGrafana;
  plugins: DistPlugin[];
  browser: Browser;
  openPanel(options: OpenPanelOptions): Promise<OpenedPage>;
  openAppPage(options: OpenAppPageOptions): Promise<OpenedPage>;
  /** A dashboard model's panels at their gridPos, each drawn from its queries (see host/dashboard.tsx). */
  openDashboard(options: OpenDashboardOptions): Promise<OpenedPage>;
  close(): Promise<void>;
}

/** Records clipboard writes for the test while still writing to the real clipboard. */
const CLIPBOARD_RECORDER = () => {
  const writes: string[] = [];
  Object.defineProperty(window, '__aisreClipboardWrites', { value: writes });
  const clipboard = navigator.clipboard;
  if (clipboard) {
    const original = clipboard.writeText.bind(clipboard);
    clipboard.writeText = (text: string) => {
      writes.push(text);
      return original(text);
    };
  }
};

async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} not found: browser tests need Chromium (apt-get install -y --no-install-recommends chromium; ` +
        'npx playwright install cannot download browsers here). Set AISRE_CHROMIUM to use another binary.'
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

function safeName(name: string): string {
  return name.replace(/[^a-z0-9._-]+/gi, '-').replace(/^-+|-+$/g, '');
}

export async function startBrowserHarness(options: BrowserHarnessOptions = {}): Promise<BrowserHarness> {
  const [hostBundle, plugins] = await Promise.all([ensureHostBundle(options.grafana), readDistPlugins()]);
  assertHostSupplies(plugins, hostBundle.supplied, REFUSED_MODULES);
  const grafana = await startFakeGrafana({ ...options, hostBundle, plugins });
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await grafana.stop();
    throw error;
  }
  const app = plugins.find((p) => p.type === 'app');

  async function open(path: string, allowed: RegExp[], render: (page: Page) => Promise<void>): Promise<OpenedPage> {
    const context: BrowserContext = await browser.newContext({
      viewport: { width: 1400, height: 1000 },
      timezoneId: options.browserTimeZone ?? 'UTC',
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: grafana.url });
    await context.addInitScript(CLIPBOARD_RECORDER);
    // Playwright's 30 s default is tight for a 3 MB host page on two busy cores: one budget, the host-ready wait's.
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    const errors: string[] = [];
    const warnings: string[] = [];
    const dialogs: string[] = [];
    page.on('console', (message) => {
      const where = message.location().url ? ` (${message.location().url}:${message.location().lineNumber})` : '';
      if (message.type() === 'error') {
        errors.push(`console.error: ${message.text()}${where}`);
      } else if (message.type() === 'warning') {
        warnings.push(message.text());
      }
    });
    page.on('pageerror', (error) => errors.push(`uncaught: ${error.stack ?? error.message}`));
    page.on('requestfailed', (request) => {
      const failure = request.failure()?.errorText ?? 'failed';
      // A request the page aborted on purpose (navigation, unsubscribe) is not an error.
      if (!/ERR_ABORTED/.test(failure)) {
        errors.push(`request failed: ${request.method()} ${request.url()}: ${failure}`);
      }
    });
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goto(`${grafana.url}${path}`);
    await page.waitForFunction(() => window.aisreHostReady !== undefined, undefined, { timeout: 60_000 });
    const ready = await page.evaluate(() => window.aisreHostReady);
    if (ready !== true) {
      await context.close();
      throw new Error(`the host page did not start: ${ready}`);
    }
    try {
      await render(page);
    } catch (error) {
      await context.close();
      throw new Error(
        `rendering failed: ${error instanceof Error ? error.message : String(error)}\npage errors:\n${errors.join('\n')}`
      );
    }
    return {
      page,
      errors,
      warnings,
      dialogs,
      clipboardWrites: () =>
        page.evaluate(() => [
          ...((window as unknown as { __aisreClipboardWrites: string[] }).__aisreClipboardWrites ?? []),
        ]),
      readClipboard: () => page.evaluate(() => navigator.clipboard.readText()),
      waitFor: async (locator, timeoutMs = 60_000) => {
        let stop = false;
        const failure = (async () => {
          while (!stop) {
            const unexpected = errors.filter((error) => !allowed.some((pattern) => pattern.test(error)));
            if (unexpected.length > 0) {
              throw new Error(`the page logged errors (while waiting for ${locator}):\n${unexpected.join('\n')}`);
            }
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
        })();
        try {
          await Promise.race([locator.waitFor({ timeout: timeoutMs }), failure]);
        } finally {
          stop = true;
          await failure.catch(() => undefined);
        }
      },
      screenshot: async (name) => {
        await mkdir(ARTIFACTS_DIR, { recursive: true });
        const file = join(ARTIFACTS_DIR, `${safeName(name)}.png`);
        await page.screenshot({ path: file, fullPage: true });
        return file;
      },
      close: async () => {
        const unexpected = errors.filter((error) => !allowed.some((pattern) => pattern.test(error)));
        await context.close();
        if (unexpected.length > 0) {
          throw new Error(`the page logged ${unexpected.length} unexpected error(s):\n${unexpected.join('\n')}`);
        }
      },
    };
  }

  return {
    grafana,
    plugins,
    browser,
    openPanel: (panel) => {
      const plugin = plugins.find(
        (p) => p.type === 'panel' && (p.id === panel.pluginId || p.folder === panel.pluginDir)
      );
      if (!plugin) {
        const known = plugins.map((p) => `${p.id} (${p.type}, ${p.dir})`).join(', ');
        throw new Error(`no built panel plugin ${panel.pluginId ?? panel.pluginDir} in dist/ (found: ${known})`);
      }
      const request: PanelRenderRequest = {
        pluginId: plugin.id,
        options: panel.options ?? {},
        pluginVersion: panel.pluginVersion,
        timeRange: panel.timeRange,
        variables: panel.variables ?? [],
        width: panel.width ?? 1000,
        height: panel.height ?? 700,
        title: panel.title ?? plugin.name,
        timeZone: 'utc',
        dashboardUid: panel.dashboardUid ?? 'aisre-test-dashboard',
        panelId: 1,
      };
      const path = `/d/${request.dashboardUid}?from=${request.timeRange.from}&to=${request.timeRange.to}`;
      return open(path, panel.allowConsoleErrors ?? [], (page) =>
        page.evaluate((r) => window.aisreHost!.renderPanel(r), request)
      );
    },
    openAppPage: (page) => {
      if (!app) {
        throw new Error('dist/ has no app plugin');
      }
      return open(page.path, page.allowConsoleErrors ?? [], (p) =>
        p.evaluate((r) => window.aisreHost!.renderAppPage(r), { pluginId: app.id, path: page.path })
      );
    },
    openDashboard: ({ allowConsoleErrors, ...dashboard }) => {
      const request: DashboardRenderRequest = { ...dashboard, timeZone: 'utc' };
      const path = `/d/${request.uid}?from=${request.timeRange.from}&to=${request.timeRange.to}`;
      return open(path, allowConsoleErrors ?? [], (page) =>
        page.evaluate((r) => window.aisreHost!.renderDashboard(r), request)
      );
    },
    close: async () => {
      await browser.close();
      await grafana.stop();
    },
  };
}
