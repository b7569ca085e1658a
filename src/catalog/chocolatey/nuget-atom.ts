import { LatchError } from '../../errors.js';
import { normalizeNugetVersion } from './nuget-package.js';
import type { NugetFeedPage, NugetPackage, NugetProperty } from './nuget-package.js';
import { parseUntrustedXml } from './safe-xml.js';

/*
 * Reads the Atom documents of the NuGet v2 OData protocol (Search(), FindPackagesById(),
 * Packages(Id,Version)): https://www.odata.org/documentation/odata-version-2-0/atom-format/
 */

type XmlNode = Record<string, unknown>;

const asNode = (value: unknown): XmlNode | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as XmlNode)
    : undefined;

const asArray = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  const node = asNode(value);
  if (!node) return null;
  if (node['@_m:null'] === 'true') return null;
  const text = node['#text'];
  return typeof text === 'string' ? text : '';
}

function readProperties(properties: XmlNode | undefined): NugetProperty[] {
  if (!properties) return [];
  const read: NugetProperty[] = [];
  for (const [key, value] of Object.entries(properties)) {
    if (!key.startsWith('d:')) continue;
    const node = asNode(value);
    const type = node?.['@_m:type'];
    read.push({
      name: key.slice(2),
      type: typeof type === 'string' ? type : null,
      value: textOf(value),
    });
  }
  return read;
}

function toPackage(entry: XmlNode): NugetPackage {
  const properties = readProperties(asNode(entry['m:properties']));
  const get = (name: string) => properties.find((p) => p.name === name)?.value ?? null;
  const id = get('Id') ?? textOf(entry.title);
  const version = get('Version');
  if (!id || !version) {
    throw new LatchError('nuget_entry_invalid', 502, 'a feed entry has no Id or Version');
  }
  const size = get('PackageSize');
  const content = asNode(entry.content)?.['@_src'];
  return {
    id,
    version,
    normalizedVersion: normalizeNugetVersion(get('NormalizedVersion') ?? version),
    title: get('Title'),
    summary: get('Summary'),
    description: get('Description'),
    authors: get('Authors'),
    dependencies: get('Dependencies') ?? '',
    isLatestVersion: get('IsLatestVersion') === 'true',
    isPrerelease: get('IsPrerelease') === 'true',
    packageHash: get('PackageHash'),
    packageHashAlgorithm: get('PackageHashAlgorithm'),
    packageSize: size === null || size === '' ? null : Number(size),
    contentUrl: typeof content === 'string' ? content : null,
    properties,
  };
}

/** Reads a feed document: its entries, `m:count`, and the `next` link of a paged answer. */
export function parseNugetFeed(xml: string): NugetFeedPage {
  const feed = asNode(parseUntrustedXml(xml).feed);
  if (!feed) throw new LatchError('nuget_feed_invalid', 502, 'the document is not an Atom feed');
  const next = asArray(feed.link)
    .map(asNode)
    .find((link) => link?.['@_rel'] === 'next')?.['@_href'];
  const count = textOf(feed['m:count']);
  return {
    packages: asArray(feed.entry).map((entry) => toPackage(asNode(entry) ?? {})),
    count: count === null || count === '' ? null : Number(count),
    next: typeof next === 'string' ? next : null,
  };
}

/** Reads a single-entry document, the answer to `Packages(Id='…',Version='…')`. */
export function parseNugetEntry(xml: string): NugetPackage {
  const entries = asArray(parseUntrustedXml(xml).entry);
  const entry = asNode(entries[0]);
  if (!entry) throw new LatchError('nuget_feed_invalid', 502, 'the document is not an Atom entry');
  return toPackage(entry);
}
