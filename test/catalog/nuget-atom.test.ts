import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseNugetEntry, parseNugetFeed } from '../../src/catalog/chocolatey/nuget-atom.js';
import { writeNugetEntry, writeNugetFeed } from '../../src/catalog/chocolatey/nuget-atom-writer.js';
import { normalizeNugetVersion } from '../../src/catalog/chocolatey/nuget-package.js';
import { decodeXmlText, parseUntrustedXml } from '../../src/catalog/chocolatey/safe-xml.js';
import { readFixture } from '../helpers/fixtures.js';

describe('NuGet v2 Atom feeds', () => {
  it('reads every entry of a recorded FindPackagesById() answer', () => {
    const page = parseNugetFeed(readFixture('chocolatey', 'nuget-v2-FindPackagesById-xunit.xml'));

    const first = page.packages[0]!;
    assert.equal(page.count, 44);
    assert.equal(page.packages.length, 44);
    assert.equal(page.next, null);
    assert.equal(first.id, 'xunit');
    assert.equal(first.version, '2.0.0-alpha-build1624');
    assert.equal(first.title, 'xUnit.net');
    assert.equal(first.packageHashAlgorithm, 'SHA512');
    assert.equal(
      first.packageHash,
      '0D68zSsOmcwM5TNSmOmvJERA7aYNscBH/Lk7qwBQHo5MfH0ZvnKk75Sw/jzdTophoofBM6UlY0uTF9oBCEYRKA==',
    );
    assert.equal(first.packageSize, 67306);
    assert.equal(
      first.contentUrl,
      'https://www.nuget.org/api/v2/package/xunit/2.0.0-alpha-build1624',
    );
    assert.equal(first.isLatestVersion, false);
    assert.equal(first.summary, null);
    assert.deepEqual(
      first.properties.find((p) => p.name === 'IconUrl'),
      {
        name: 'IconUrl',
        type: null,
        value: 'http://download.codeplex.com/Download?ProjectName=xunit&DownloadId=365445',
      },
    );
    assert.deepEqual(
      first.properties.find((p) => p.name === 'DownloadCount'),
      {
        name: 'DownloadCount',
        type: 'Edm.Int32',
        value: '1592239',
      },
    );
  });

  it('reads dependencies and the next link of a paged answer', () => {
    const xunit = parseNugetFeed(readFixture('chocolatey', 'nuget-v2-FindPackagesById-xunit.xml'));
    const paged = parseNugetFeed(readFixture('chocolatey', 'nuget-v2-FindPackagesById-page1.xml'));

    assert.equal(
      xunit.packages[1]!.dependencies,
      'xunit.core:[2.2.0-beta1-build3239]:|xunit.assert:[2.2.0-beta1-build3239]:',
    );
    assert.equal(paged.packages.length, 100);
    assert.equal(
      paged.next,
      'https://www.nuget.org/api/v2/FindPackagesById()?id=%27WindowsAzure.ServiceBus%27&$skip=100',
    );
  });

  it('reads a Search() answer and an empty feed', () => {
    const search = parseNugetFeed(readFixture('chocolatey', 'nuget-v2-Search-nugetexe.xml'));
    const empty = parseNugetFeed(
      readFixture('chocolatey', 'nuget-v2-FindPackagesById-notfound.xml'),
    );

    assert.equal(search.packages.length, 9);
    assert.equal(search.packages.find((p) => p.id === 'Ciao')?.version, '1.1.0');
    assert.deepEqual(empty, { packages: [], count: 0, next: null });
  });

  it('writes entries that read back to the same package, pointing at Latch', () => {
    const [pkg] = parseNugetFeed(
      readFixture('chocolatey', 'nuget-v2-FindPackagesById-xunit.xml'),
    ).packages;
    const base = 'https://latch.example/chocolatey/api/v2';

    const entry = parseNugetEntry(writeNugetEntry(base, pkg!, '2026-01-01T00:00:00Z'));
    const feed = parseNugetFeed(
      writeNugetFeed(base, `${base}/Packages`, [pkg!], { updated: '2026-01-01T00:00:00Z' }),
    );

    assert.deepEqual(entry.properties, pkg!.properties);
    assert.equal(entry.contentUrl, `${base}/package/xunit/2.0.0-alpha-build1624`);
    assert.deepEqual(feed.packages[0]!.properties, pkg!.properties);
  });

  it('refuses a document that declares a DTD or an entity', () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaaaaaa">]><feed>&a;&a;</feed>';

    assert.throws(() => parseNugetFeed(bomb), { code: 'xml_doctype_refused' });
    assert.throws(() => parseUntrustedXml('<feed><entry></feed>'), { code: 'xml_malformed' });
    assert.equal(decodeXmlText('a &amp; b &#233; &#x41; &lt;&unknown;'), 'a & b é A <&unknown;');
  });

  it('normalises versions as NuGet does', () => {
    const table: [string, string][] = [
      ['1.0', '1.0.0'],
      ['1.0.0.0', '1.0.0'],
      ['1.2.3.4', '1.2.3.4'],
      ['01.002.3', '1.2.3'],
      ['2.0.0-Beta1+build.5', '2.0.0-beta1'],
    ];
    for (const [given, normal] of table) assert.equal(normalizeNugetVersion(given), normal, given);
  });
});
