import { parseNugetEntry } from '../../src/catalog/chocolatey/nuget-atom.js';

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
