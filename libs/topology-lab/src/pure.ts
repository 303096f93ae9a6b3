/** The pure part of @srv6/topology-lab: the lab plan, no namespaces, no processes. */
export * from './plan/addressing.js';
export * from './plan/igp-routes.js';
export * from './plan/lab-plan.js';
export * from './plan/shaping.js';
export * from './plan/commands.js';
export * from './capture/pcap.js';
export * from './capture/srv6-packet.js';
export * from './plan/flows.js';
