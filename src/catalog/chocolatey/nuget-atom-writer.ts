import type { NugetPackage } from './nuget-package.js';
import { escapeXml } from './safe-xml.js';

/*
 * Writes the Atom documents of Latch's own NuGet v2 feed. Every entry points its links and its
 * `content src` at Latch, so a client that reads them never reaches the upstream repository.
 */

const NAMESPACES =
  'xmlns="http://www.w3.org/2005/Atom" ' +
  'xmlns:d="http://schemas.microsoft.com/ado/2007/08/dataservices" ' +
  'xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"';

const quoteKey = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** Where Latch serves a package version's `.nupkg`. */
export const downloadUrl = (base: string, pkg: NugetPackage) =>
  `${base}/package/${encodeURIComponent(pkg.id)}/${encodeURIComponent(pkg.normalizedVersion)}`;

function entryBody(base: string, pkg: NugetPackage, updated: string): string {
  const self = `${base}/Packages(Id=${quoteKey(pkg.id)},Version=${quoteKey(pkg.version)})`;
  const properties = pkg.properties
    .map(({ name, type, value }) => {
      if (value === null) return `<d:${name} m:null="true" />`;
      const typed = type ? ` m:type="${escapeXml(type)}"` : '';
      return `<d:${name}${typed}>${escapeXml(value)}</d:${name}>`;
    })
    .join('');
  return (
    `<id>${escapeXml(self)}</id>` +
    '<category term="NuGetGallery.OData.V2FeedPackage" ' +
    'scheme="http://schemas.microsoft.com/ado/2007/08/dataservices/scheme" />' +
    `<link rel="edit" href="${escapeXml(self)}" /><link rel="self" href="${escapeXml(self)}" />` +
    `<title type="text">${escapeXml(pkg.id)}</title><updated>${updated}</updated>` +
    `<author><name>${escapeXml(pkg.authors ?? '')}</name></author>` +
    `<content type="application/zip" src="${escapeXml(downloadUrl(base, pkg))}" />` +
    `<m:properties>${properties}</m:properties>`
  );
}

const PROLOG = '<?xml version="1.0" encoding="utf-8"?>';

/** A feed document; `next` is the link to the following page, when there is one. */
export function writeNugetFeed(
  base: string,
  self: string,
  packages: NugetPackage[],
  options: { updated: string; next?: string | null; count?: number },
): string {
  const count = options.count === undefined ? '' : `<m:count>${options.count}</m:count>`;
  const entries = packages.map((p) => `<entry>${entryBody(base, p, options.updated)}</entry>`);
  const next = options.next ? `<link rel="next" href="${escapeXml(options.next)}" />` : '';
  return (
    `${PROLOG}<feed xml:base="${escapeXml(base)}" ${NAMESPACES}>${count}` +
    `<id>${escapeXml(self)}</id><title type="text">Packages</title>` +
    `<updated>${options.updated}</updated><link rel="self" href="${escapeXml(self)}" />` +
    `${entries.join('')}${next}</feed>`
  );
}

/** A single-entry document, the answer to `Packages(Id='…',Version='…')`. */
export function writeNugetEntry(base: string, pkg: NugetPackage, updated: string): string {
  return `${PROLOG}<entry xml:base="${escapeXml(base)}" ${NAMESPACES}>${entryBody(base, pkg, updated)}</entry>`;
}

/** The service document at the feed's root, naming its one collection. */
export function writeServiceDocument(base: string): string {
  return (
    `${PROLOG}<service xml:base="${escapeXml(base)}" xmlns="http://www.w3.org/2007/app" ` +
    'xmlns:atom="http://www.w3.org/2005/Atom"><workspace><atom:title>Default</atom:title>' +
    '<collection href="Packages"><atom:title>Packages</atom:title></collection>' +
    '</workspace></service>'
  );
}
