import { parseNugetEntry, parseNugetFeed } from '../../src/catalog/chocolatey/nuget-atom.js';
import { normalizeNugetVersion } from '../../src/catalog/chocolatey/nuget-package.js';

export interface FeedCredentials {
  username: string;
  password: string;
}

export const basicAuth = (c: FeedCredentials) =>
  `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;

/**
 * What `choco upgrade ID --version V --source FEED` asks a NuGet v2 source for an exact version:
 * the `Packages(Id,Version)` entry, then the `.nupkg` its `content src` names.
 */
export async function chocoFetch(
  feedUrl: string,
  credentials: FeedCredentials,
  id: string,
  version: string,
): Promise<{ entryStatus: number; downloadStatus: number | null; bytes: Buffer | null }> {
  const headers = { authorization: basicAuth(credentials) };
  const entry = await fetch(`${feedUrl}/Packages(Id='${id}',Version='${version}')`, { headers });
  const text = await entry.text();
  if (entry.status !== 200) return { entryStatus: entry.status, downloadStatus: null, bytes: null };
  const { contentUrl } = parseNugetEntry(text);
  const download = await fetch(contentUrl!, { headers });
  const bytes = Buffer.from(await download.arrayBuffer());
  return { entryStatus: 200, downloadStatus: download.status, bytes };
}

/**
 * The other way NuGet clients resolve a version: list every version with `FindPackagesById()`
 * (following `next` links), pick the one wanted, download what its `content src` names.
 */
export async function chocoFetchByList(
  feedUrl: string,
  credentials: FeedCredentials,
  id: string,
  version: string,
): Promise<{ downloadStatus: number | null; bytes: Buffer | null }> {
  const headers = { authorization: basicAuth(credentials) };
  let next: string | null = `${feedUrl}/FindPackagesById()?id='${id}'`;
  const wanted = normalizeNugetVersion(version);
  while (next) {
    const response = await fetch(next, { headers });
    if (response.status !== 200) return { downloadStatus: null, bytes: null };
    const page = parseNugetFeed(await response.text());
    const match = page.packages.find((p) => p.normalizedVersion === wanted);
    if (match?.contentUrl) {
      const download = await fetch(match.contentUrl, { headers });
      return { downloadStatus: download.status, bytes: Buffer.from(await download.arrayBuffer()) };
    }
    next = page.next;
  }
  return { downloadStatus: null, bytes: null };
}
