/**
 * Loads every incident for the list, with its loading and error states. The first rows come as soon as Grafana's
 * first page arrives (`partial` while loading); the rest is read once they are on screen (see Listing).
 *
 * The first listing can start before the page first renders: the route asks for it with the page's code
 * (readIncidentsAhead, called by the route's loader), so the first request does not wait for the page's first render
 * and its effects, and the page's first render can already hold the first rows. The page adopts that listing when
 * its time filter is the same; otherwise (a later visit, another range, Try again) it starts its own.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { GrafanaApiError } from '../../shared/grafanaApi';
import { listIncidents, type IncidentList } from '../../shared/annotations';
import { logger } from '../../shared/logger';
import { filtersFromSearch, type IncidentFilters, timeFilterRange } from './filters';

export type IncidentListState =
  | { kind: 'loading'; partial?: IncidentList }
  | { kind: 'error'; error: GrafanaApiError }
  | { kind: 'ready'; list: IncidentList };

/** The time filter as the URL has it (`now-7d`, Unix ms, ISO): a listing is for one. */
type TimeFilter = Pick<IncidentFilters, 'from' | 'to'>;

const LOADING: IncidentListState = { kind: 'loading' };

const keyOf = (filter: TimeFilter) => `${filter.from ?? ''}\n${filter.to ?? ''}`;

/**
 * One read of the list for a time filter, watched by the page: its state as it goes, started and cancelled by the
 * page's effect (a cancelled listing starts again from the first page). It reads the first page, waits until the
 * page has drawn it (firstRowsShown) and only then reads the rest: drawing the first rows and reading the other
 * pages both need the browser's one thread, and the rows are what the user is waiting for.
 */
class Listing {
  private state: IncidentListState = LOADING;
  private readonly watchers = new Set<() => void>();
  private controller?: AbortController;
  private rowsShown = () => undefined as void;
  /** Resolves at the first change of state: the first page, the whole list or an error. */
  private started?: Promise<void>;

  private readonly made = Date.now();
  /** Which time filter it is for, as typed. */
  readonly key: string;

  constructor(private readonly filter: TimeFilter) {
    this.key = keyOf(filter);
  }

  /** Read ahead for the page about to open, not for one opened long after (it would show an old list). */
  get fresh(): boolean {
    return Date.now() - this.made < AHEAD_FRESH_MS;
  }

  /** Reads the list, unless it is being read or has been read. */
  start(): Promise<void> {
    if (this.controller && !this.controller.signal.aborted) {
      return this.started!;
    }
    const controller = new AbortController();
    this.controller = controller;
    let changed = () => undefined as void;
    this.started = new Promise((resolve) => (changed = resolve));
    const set = (state: IncidentListState) => {
      if (!controller.signal.aborted) {
        this.state = state;
        if (state !== LOADING) {
          changed();
        }
        this.watchers.forEach((watcher) => watcher());
      }
    };
    // A listing started again (after a cancel) shows its loading state, not what it had read.
    set(LOADING);
    const range = timeFilterRange(this.filter);
    const { from, to } = range === 'invalid' || !range ? {} : range;
    listIncidents({
      from,
      to,
      signal: controller.signal,
      onProgress: (partial) => {
        set({ kind: 'loading', partial });
        return new Promise<void>((resolve) => (this.rowsShown = resolve));
      },
    }).then(
      (list) => set({ kind: 'ready', list }),
      (error: Error) => {
        logger.warn('incidents: list failed', { error: String(error) });
        set({
          kind: 'error',
          error: error instanceof GrafanaApiError ? error : new GrafanaApiError(error.message, undefined, 'server'),
        });
      }
    );
    return this.started;
  }

  /** The page has drawn the first page's rows: read the rest. */
  firstRowsShown(): void {
    this.rowsShown();
  }

  cancel(): void {
    this.controller?.abort();
    // Nothing waits for a cancelled listing's first rows.
    this.rowsShown();
  }

  readonly subscribe = (watcher: () => void) => {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  };

  readonly getState = () => this.state;
}

/** The listing started ahead of the page, until the page adopts it (or another one replaces it). */
let ahead: Listing | undefined;

/** How long the route waits for the first page before it shows the page with its loading state. */
const AHEAD_WAIT_MS = 300;
/** A listing read ahead is the page's if the page opens within this long (it opens at once unless the user left). */
const AHEAD_FRESH_MS = 10_000;

/**
 * Starts reading the incidents for the page the URL's query describes, before the page renders; resolves when the
 * first page (or the whole list, or an error) is in, or after AHEAD_WAIT_MS, whichever comes first: a slow Grafana
 * does not keep the page's filters from showing.
 */
export function readIncidentsAhead(search: URLSearchParams): Promise<void> {
  const { from, to } = filtersFromSearch(search);
  ahead?.cancel();
  ahead = new Listing({ from, to });
  return Promise.race([ahead.start(), new Promise<void>((resolve) => setTimeout(resolve, AHEAD_WAIT_MS))]);
}

/** The incidents overlapping the time filter (every incident when it is unset or unreadable); `reload` reads them again. */
export function useIncidentList(filter: TimeFilter): {
  state: IncidentListState;
  reload: () => void;
} {
  const { from, to } = filter;
  const [attempt, setAttempt] = useState(0);
  // Made in render without side effects; the effect below starts it.
  const listing = useMemo(() => {
    const key = keyOf({ from, to });
    return attempt === 0 && ahead?.key === key && ahead.fresh ? ahead : new Listing({ from, to });
  }, [from, to, attempt]);
  const state = useSyncExternalStore(listing.subscribe, listing.getState);

  useEffect(() => {
    // The page takes the listing read ahead, or drops it (another filter, or read too long ago).
    if (ahead !== listing) {
      ahead?.cancel();
    }
    ahead = undefined;
    void listing.start();
    // Another range, Try again or leaving the page cancels this listing and ignores its pages.
    return () => listing.cancel();
  }, [listing]);
  // Before the browser lays out and paints them: Grafana works on the rest meanwhile, and its answers come after.
  useLayoutEffect(() => {
    if (state.kind === 'loading' && state.partial) {
      listing.firstRowsShown();
    }
  }, [listing, state]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { state, reload };
}
