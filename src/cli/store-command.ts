import type { Command } from 'commander';
import { readConfig } from '../config.js';
import { startFakeStore } from '../catalog/msstore/fake-store.js';
import { memoryCatalogCache } from '../catalog/msstore/memory-cache.js';
import { storeCatalogFrom } from '../catalog/msstore/store-catalog-factory.js';

/** `latch store serve-fixture` (the local fake Store) and `latch store search`. */
export function registerStoreCommand(program: Command) {
  const store = program.command('store').description('the Microsoft Store catalog');

  store
    .command('serve-fixture')
    .description('serve the recorded Store catalog locally (winget REST source protocol)')
    .option('--port <port>', 'port to listen on (default: a free one)', (v) => Number(v))
    .action(async (options: { port?: number }) => {
      const fake = await startFakeStore({ port: options.port ?? 0 });
      process.stdout.write(`fake Microsoft Store listening: ${fake.url}\n`);
      const stop = () => void fake.close().then(() => process.exit(0));
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });

  store
    .command('search')
    .description('search the Store and print each result with its kind (mdm, agent, unavailable)')
    .argument('<query>', 'what to search for')
    .option('--catalog <url>', 'winget REST source URL (env LATCH_STORE_URL)')
    .option('--market <market>', 'ISO 3166 market', 'US')
    .option('--json', 'one JSON object per line')
    .action(
      async (query: string, options: { catalog?: string; market: string; json?: boolean }) => {
        const config = readConfig(process.env).store;
        const catalog = storeCatalogFrom(
          { ...config, url: options.catalog ?? config.url },
          memoryCatalogCache(),
        );
        const answer = await catalog.search(query, options.market.toUpperCase());
        for (const item of answer.items) {
          if (options.json) {
            const line = {
              id: item.id,
              name: item.name,
              publisher: item.publisher,
              kind: item.kind,
              ...(item.reason ? { reason: item.reason } : {}),
            };
            process.stdout.write(`${JSON.stringify(line)}\n`);
          } else {
            const why = item.reason ? `  (${item.reason})` : '';
            process.stdout.write(
              `${item.id}  ${item.kind.padEnd(11)} ${item.name} — ${item.publisher}${why}\n`,
            );
          }
        }
        if (!options.json && answer.items.length === 0) process.stdout.write('no results\n');
      },
    );
}
