#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so the plugin needs no build step.
require('tsx/cjs/api').register();
const { main } = require('../src/cli.ts');

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
