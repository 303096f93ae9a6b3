#!/usr/bin/env node
// The `srv6` command (npx srv6 …): runs the compiled CLI (npm run build:ts builds it).
import('../dist/main.js').catch((error) => {
  process.stderr.write(`srv6: cannot start (${error.message}); run npm run build first\n`);
  process.exit(1);
});
