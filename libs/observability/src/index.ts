export * from './settings.js';
export * from './logger.js';
export * from './nest-logger.js';
export * from './service-metrics.js';
export * from './intent-svc-metrics.js';
export * from './path-svc-metrics.js';
export * from './host-agent-metrics.js';
export * from './metrics-server.js';
