export * from './command.js';
export * from './netns-lab.js';
export * from './wait-for-output.js';
export * from './traffic-tool.js';
export * from './diamond-topology.js';
