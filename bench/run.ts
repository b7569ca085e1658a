import { agentStorageBenchmark } from './agent-storage-bench.js';
import { chocolateyBenchmark } from './chocolatey-bench.js';
import { plistBenchmark } from './plist-bench.js';
import { agentCheckinBenchmark } from './agent-checkin-bench.js';
import { startupBenchmark } from './startup-bench.js';
import { storeSearchBenchmark } from './store-search-bench.js';

/** Every benchmark by name; `npm run bench` runs them all, `npm run bench -- NAME` one. */
const BENCHMARKS: Record<string, () => Promise<void>> = {
  startup: startupBenchmark,
  chocolatey: chocolateyBenchmark,
  plist: plistBenchmark,
  'agent-checkin': agentCheckinBenchmark,
  'agent-storage': agentStorageBenchmark,
  'store-search': storeSearchBenchmark,
};

const wanted = process.argv.slice(2);
for (const name of wanted.length > 0 ? wanted : Object.keys(BENCHMARKS)) {
  const run = BENCHMARKS[name];
  if (!run) {
    console.error(`no benchmark named ${name}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n== ${name}`);
  await run();
}
