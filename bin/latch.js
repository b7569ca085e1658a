#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('latch: not built yet; run `npm install` (or `npm run build`) first');
  process.exit(1);
}
await import(entry.href);
