/** The synthetic LLM telemetry simulator behind `aisre simulate`: what the tests and the CLI import. */
export {
  type Simulation,
  type SimulationOptions,
  type SimulatedRange,
  type StepKind,
  RunningCounters,
  createSimulation,
  sampleTime,
  simulateRange,
  stepIncrements,
} from './generator';
export { type LiveOptions, type LiveServer, startLiveServer } from './live';
export {
  type BuildInfo,
  type IncidentCategory,
  type ScenarioDefinition,
  type ScheduledIncident,
  type Segment,
  SCENARIOS,
  SEGMENTS,
  Schedule,
} from './scenario';
export { NOISE_MODES, type NoiseMode } from './noise';
export { BUCKETS, familiesOf, LABEL, METRIC } from './series';
export { CONTRACT_NAMING, type SeriesNaming, seriesNaming } from './naming';
export {
  type GroundTruth,
  type HistogramCount,
  type Interval,
  type ProportionCount,
  type SliCounts,
  type TruthIncident,
  type TruthWindow,
  type WindowCounts,
  groundTruth,
  incidentsWithCleanBaseline,
  rfc3339,
  windowCounts,
} from './truth';
export { FILE_FORMATS, type FileFormat, fileExposition, scrapeExposition, writeChunks } from './writers';
