import type { Logger } from 'pino';
import type { Storage } from '../../storage/storage.js';
import type { Chocolatey } from './chocolatey.js';
import type { WaitBudget } from './nuget-client.js';

/** A round waits this long at most for upstream, so it never outlives its interval. */
const ROUND_BUDGET: WaitBudget = { maxWaitMs: 30_000 };

/**
 * Fetches into the cache every catalogue package that devices are waiting for but that is not
 * cached yet: the prefetch at "add" may have met a 429 or an outage, and the install must still
 * happen once upstream answers again. Returns the package ids it cached in this round.
 */
export async function warmWaitingPackages(
  storage: Storage,
  chocolatey: Chocolatey,
  logger: Pick<Logger, 'warn'>,
): Promise<string[]> {
  const warmed: string[] = [];
  for (const pkg of await storage.listChocoPackages()) {
    const installs = await storage.listInstalls({ packageRef: pkg.id });
    if (!installs.some((i) => i.state === 'pending')) continue;
    try {
      const file = await chocolatey.cache.getFile(pkg.packageId, pkg.version, ROUND_BUDGET);
      if (file) warmed.push(pkg.id);
    } catch (error) {
      // Upstream still refusing: the devices keep waiting and the next round tries again.
      logger.warn({ err: error, packageId: pkg.packageId }, 'package not fetched yet');
    }
  }
  return warmed;
}
