export * from './ipv6-address.js';
export * from './datapath-limits.js';
export * from './policy.js';
export * from './map-codec.js';
export * from './rule-set-compiler.js';
export * from './slot-allocator.js';
export * from './route-mtu.js';
export * from './lookup-model.js';
