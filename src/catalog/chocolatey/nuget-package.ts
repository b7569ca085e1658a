/**
 * One property of a NuGet v2 OData entry (`<d:Name m:type="…">value</d:Name>`), kept as the feed
 * gave it so Latch's own feed can answer with exactly the same properties and types.
 */
export interface NugetProperty {
  name: string;
  /** The EDM type (`Edm.Int32`, `Edm.DateTime`…); null for plain strings. */
  type: string | null;
  /** Null when the feed marked it `m:null="true"`. */
  value: string | null;
}

/** A package version as a NuGet v2 feed describes it. */
export interface NugetPackage {
  id: string;
  version: string;
  /** The version in NuGet's normal form, used in keys and in Latch's URLs. */
  normalizedVersion: string;
  title: string | null;
  summary: string | null;
  description: string | null;
  authors: string | null;
  /** `id:range:framework|…`, NuGet's dependency syntax. */
  dependencies: string;
  isLatestVersion: boolean;
  isPrerelease: boolean;
  /** The package hash as the feed gives it (base64), and its algorithm (SHA512 on every feed). */
  packageHash: string | null;
  packageHashAlgorithm: string | null;
  packageSize: number | null;
  /** Where the `.nupkg` is downloaded from (the entry's `content src`). */
  contentUrl: string | null;
  properties: NugetProperty[];
}

/** One page of a feed, with the link to the next page when the server paged the answer. */
export interface NugetFeedPage {
  packages: NugetPackage[];
  /** `m:count` when the server sent it. */
  count: number | null;
  next: string | null;
}

/**
 * NuGet's normal form of a version: build metadata dropped, at least three numeric parts, a zero
 * fourth part dropped, leading zeros removed, lower case. `1.0` and `1.0.0.0` both become `1.0.0`.
 */
export function normalizeNugetVersion(version: string): string {
  const [withoutMetadata = ''] = version.trim().split('+');
  const dash = withoutMetadata.indexOf('-');
  const release = dash === -1 ? withoutMetadata : withoutMetadata.slice(0, dash);
  const label = dash === -1 ? '' : withoutMetadata.slice(dash);
  const parts = release
    .split('.')
    .map((part) => (/^\d+$/.test(part) ? String(Number(part)) : part));
  while (parts.length < 3) parts.push('0');
  if (parts.length === 4 && parts[3] === '0') parts.pop();
  return (parts.join('.') + label).toLowerCase();
}

/** The key of a package id: NuGet ids are case-insensitive. */
export const packageKey = (id: string) => id.trim().toLowerCase();

/** A valid NuGet package id: letters, digits, dots, dashes and underscores, up to 100. */
export const isValidPackageId = (id: string) => /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/.test(id);

/** A version string we accept from a client before normalising it. */
export const isValidVersion = (version: string) =>
  /^\d+(\.\d+){0,3}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(version) && version.length <= 64;
