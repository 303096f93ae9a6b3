export * from './run-until-signal.js';
