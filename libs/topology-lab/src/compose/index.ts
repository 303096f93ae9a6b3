/** The docker-compose lab: the compose file of a topology and what its containers run. */
export * from './compose-file.js';
export * from './compose-yaml.js';
export * from './container-setup.js';
