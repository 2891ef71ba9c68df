// The public API of @rx-telemetry/alerts. Every name here is listed in README.md's API section.
export type { Alert, AlertStatus, Severity } from './alert.js';
export type { AlertRule, ThresholdRule, RatioRule, AnomalyRule, Stat, Comparison } from './rules/rule.js';
export type { Suppression } from './suppression.js';
export { Alerts, type DeliveryStats } from './alerts.js';
export type { AlertsOptions } from './alerts-options.js';
export { ALERT_FIRED_EVENT, ALERT_RESOLVED_EVENT, ALERT_DELIVERY_FAILED_EVENT, ALERT_UNKNOWN_METRIC_EVENT } from './alert-events.js';
export type { AlertHandler } from './delivery/handler.js';
export type { HttpHandlerOptions } from './delivery/http-post.js';
export { logHandler, type AlertLogger } from './delivery/log-handler.js';
export { webhookHandler, type WebhookOptions, type WebhookPayload } from './delivery/webhook-handler.js';
export { alertmanagerHandler, toPostableAlert, type AlertmanagerOptions, type PostableAlert } from './delivery/alertmanager-handler.js';
