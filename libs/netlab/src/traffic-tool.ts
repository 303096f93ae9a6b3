/** Path of the traffic tool (bin/traffic.mjs), run inside lab namespaces with node. */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TRAFFIC_TOOL = resolve(dirname(fileURLToPath(import.meta.url)), '../bin/traffic.mjs');
