// The public API of @rx-telemetry/health. Every name here is listed in README.md's API section.
export { health, type HealthOptions } from './health.js';
export type { HealthReport } from './health-report.js';
export { HealthMonitor, monitorHealth, type HealthMonitorOptions } from './health-monitor.js';
export type { HealthThresholds, Limits } from './builtin-checks.js';
