/**
 * The live telemetry service: simulates in real time from process start (or faster with `speed`) and
 * serves the current counters on `/metrics` for Prometheus to scrape, with `/-/healthy` for probes and
 * `/scenario` telling a demo audience which incident is on and what comes next (wall-clock times).
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';

import { RunningCounters, type Simulation, createSimulation } from './generator';
import { type SeriesNaming } from './naming';
import { type NoiseMode } from './noise';
import { type ScenarioDefinition } from './scenario';
import { rfc3339 } from './truth';
import { scrapeExposition } from './writers';

export interface LiveOptions {
  port: number;
  host: string;
  seed: number;
  /** Simulated seconds per real second. */
  speed: number;
  rateMultiplier: number;
  /** Realistic noise (the default) or independent requests. */
  noise?: NoiseMode;
  scenario: ScenarioDefinition;
  /** The names the telemetry is served under (default: the metrics contract). */
  naming?: SeriesNaming;
  /** Wall clock in milliseconds; tests replace it. */
  now?: () => number;
}

export interface LiveServer {
  url: string;
  port: number;
  /** Simulated seconds per real second. */
  speed: number;
  simulation: Simulation;
  close(): Promise<void>;
}

/** Simulated seconds per live step: fine enough that a 15 s scrape sees a dozen steps. */
const LIVE_STEP_SECONDS = 1;
/** The clock advances at least this often, so catching up never waits for a scrape. */
const TICK_MS = 1000;

export async function startLiveServer(options: LiveOptions): Promise<LiveServer> {
  const now = options.now ?? Date.now;
  const startedMs = now();
  const origin = Math.floor(startedMs / 1000);
  const simulation = createSimulation({
    seed: options.seed,
    scenario: options.scenario,
    origin,
    stepSeconds: LIVE_STEP_SECONDS,
    rateMultiplier: options.rateMultiplier,
    noise: options.noise,
    naming: options.naming,
  });
  const counters = new RunningCounters(simulation);

  const simulatedNow = () => origin + ((now() - startedMs) / 1000) * options.speed;
  const wallClock = (simulatedSeconds: number) => startedMs / 1000 + (simulatedSeconds - origin) / options.speed;
  const catchUp = () => {
    const target = Math.floor((simulatedNow() - origin) / LIVE_STEP_SECONDS);
    while (counters.step < target) {
      counters.advance();
    }
  };

  const scenarioStatus = () => {
    const t = simulatedNow();
    const horizon = t + simulation.scenario.cycleSeconds;
    const describe = (incident: ReturnType<typeof simulation.schedule.incidentsBetween>[number]) => ({
      id: incident.id,
      category: incident.category,
      subcategory: incident.subcategory,
      endpoint: incident.endpoint,
      from: rfc3339(Math.round(wallClock(incident.from))),
      to: rfc3339(Math.round(wallClock(incident.to))),
      description: incident.description,
      expectedShifts: incident.expectedShifts,
    });
    const incidents = simulation.schedule.incidentsBetween(t - 1, horizon);
    return {
      scenario: simulation.scenario.name,
      seed: simulation.seed,
      speed: options.speed,
      startedAt: rfc3339(Math.floor(startedMs / 1000)),
      active: incidents.filter((i) => i.from < t && t <= i.to).map(describe),
      upcoming: incidents.filter((i) => i.from >= t).map(describe),
    };
  };

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      catchUp();
      const body = scrapeExposition(simulation, counters.values, counters.builds());
      response.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body);
    } else if (path === '/-/healthy' || path === '/-/ready') {
      response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('OK\n');
    } else if (path === '/scenario') {
      response
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(`${JSON.stringify(scenarioStatus(), null, 2)}\n`);
    } else if (path === '/') {
      response
        .writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' })
        .end('Synthetic LLM telemetry (aisre simulate). Endpoints: /metrics, /scenario, /-/healthy\n');
    } else {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
    }
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const ticker = setInterval(catchUp, TICK_MS);
  ticker.unref();

  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    speed: options.speed,
    simulation,
    close: () =>
      new Promise<void>((resolve, reject) => {
        clearInterval(ticker);
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
