export * from './pure.js';
export * from './topology-lab.js';
export * from './lab-processes.js';
export * from './lab-state.js';
export * from './lab-services.js';
export * from './lab-control.js';
export * from './lab-traffic.js';
export * from './reconvergence.js';
