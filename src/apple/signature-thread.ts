import { parentPort } from 'node:worker_threads';
import { verifyBytes } from './cms.js';
import type { SignatureCheck } from './signature-checks.js';

// The worker of SignatureChecks: each message is a batch of checks, answered in order with one
// boolean per check.
parentPort?.on('message', (checks: SignatureCheck[]) => {
  parentPort?.postMessage(checks.map((c) => verifyBytes(c.digest, c.data, c.key, c.signature)));
});
