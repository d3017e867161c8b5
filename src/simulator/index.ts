/** The synthetic LLM telemetry simulator behind `aisre simulate`: what the CLI imports (tests import its modules). */
export { createSimulation, simulateRange } from './generator';
export { startLiveServer } from './live';
export { type ScenarioDefinition, SCENARIOS } from './scenario';
export { NOISE_MODES, type NoiseMode } from './noise';
export { type SeriesNaming, seriesNaming } from './naming';
export { groundTruth, incidentsWithCleanBaseline, rfc3339 } from './truth';
export { FILE_FORMATS, type FileFormat, fileExposition, writeChunks } from './writers';
