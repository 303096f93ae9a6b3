/**
 * The part of @srv6/datapath with no native dependency (no libbpf, no child processes):
 * addresses, limits, policy types, codecs, the compiler and the lookup model. Import
 * `@srv6/datapath/pure` from code that must run where libbpf is not installed (CLI, path-svc).
 */
export * from './ipv6-address.js';
export * from './datapath-limits.js';
export * from './policy.js';
export * from './map-codec.js';
export * from './rule-set-compiler.js';
export * from './slot-allocator.js';
export * from './route-mtu.js';
export * from './lookup-model.js';
