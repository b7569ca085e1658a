import type { Classification } from './store-app.js';
import type { Installer, ManifestVersion, PackageManifest } from './winget-rest-types.js';

/** Store IDs of MSIX/APPX products: 12 characters, starting with 9. */
export const MODERN_STORE_ID = /^9[0-9A-Z]{11}$/;
/** Store IDs of Win32 products listed in the Store: 14 characters, starting with XP. */
export const LEGACY_STORE_ID = /^XP[0-9A-Z]{12}$/;

/**
 * Decides how a Store product can reach a device, from its manifest as the Store offers it in
 * `market`. Modern apps (an `msstore` installer with a package family name, 12-character ID)
 * go over MDM with StoreInstall; Win32 installers (14-character XP IDs) only through the agent's
 * winget; a product with no installer for the market, or no manifest at all, is unavailable.
 * Pure: the caller fetches the manifest.
 */
export function classifyManifest(
  storeId: string,
  manifest: PackageManifest | undefined,
  market: string,
): Classification {
  if (!manifest) {
    return unavailable(`${storeId} is not in the Microsoft Store catalog`);
  }
  const version = latestVersion(manifest.Versions ?? []);
  const installers = version?.Installers ?? [];
  const offered = installers.filter((installer) => offeredIn(installer, market));
  if (offered.length === 0) {
    return unavailable(`not offered in the organisation's market (${market})`);
  }

  const store = offered.find((installer) => installer.InstallerType?.toLowerCase() === 'msstore');
  const packageFamilyName = store?.PackageFamilyName ?? null;
  if (store && packageFamilyName && MODERN_STORE_ID.test(storeId)) {
    return { kind: 'mdm', appType: 'modern', packageFamilyName, reason: null };
  }
  if (store) {
    return {
      kind: 'agent',
      appType: 'modern',
      packageFamilyName,
      reason:
        'the Store lists no package family name for it, which StoreInstall needs; ' +
        'installed through the Latch agent with winget',
    };
  }
  const types = [...new Set(offered.map((i) => i.InstallerType ?? 'unknown'))].join(', ');
  return {
    kind: 'agent',
    appType: LEGACY_STORE_ID.test(storeId) ? 'legacy' : 'unknown',
    packageFamilyName: null,
    reason:
      `a Win32 installer (${types}), which the MDM Store install (StoreInstall) cannot deliver; ` +
      'installed through the Latch agent with winget',
  };
}

function unavailable(reason: string): Classification {
  return { kind: 'unavailable', appType: 'unknown', packageFamilyName: null, reason };
}

function offeredIn(installer: Installer, market: string): boolean {
  const allowed = installer.Markets?.AllowedMarkets;
  const excluded = installer.Markets?.ExcludedMarkets;
  if (allowed && allowed.length > 0 && !allowed.includes(market)) return false;
  return !excluded?.includes(market);
}

/**
 * The version winget would pick: the highest, comparing dotted numbers; the Store's MSIX
 * products have one version spelled "Unknown".
 */
export function latestVersion(versions: ManifestVersion[]): ManifestVersion | undefined {
  return [...versions].sort((a, b) => compareVersions(b.PackageVersion, a.PackageVersion))[0];
}

function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (Number.isNaN(diff)) return a.localeCompare(b);
    if (diff !== 0) return diff;
  }
  return 0;
}
