export * from './names.js';
export * from './messages.js';
export * from './json.js';
export * from './connection.js';
export * from './storage.js';
export * from './nats-server-process.js';
export * from './permissions.js';
export * from './credentials.js';
