import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createChocolatey } from '../../src/catalog/chocolatey/chocolatey.js';
import type { Chocolatey } from '../../src/catalog/chocolatey/chocolatey.js';
import { readConfig } from '../../src/config.js';
import { openStorage } from '../../src/main.js';
import { SecretBox } from '../../src/service/secret-box.js';
import type { Storage } from '../../src/storage/storage.js';
import { POSTGRES_URL } from '../helpers/backends.js';
import { startFakeNugetRepository } from '../fakes/nuget-repository.js';
import type { FakeNugetRepository } from '../fakes/nuget-repository.js';

const NUPKG = Buffer.from('xunit 2.1.0 nupkg');
const PER_SERVER = 50;
const BUDGET = { maxWaitMs: 10_000 };

/** Two "servers": two connections and two package caches over one database. */
interface SharedDatabase {
  name: string;
  open(): Promise<Storage[]>;
  /** Alters every stored `.nupkg` behind Latch's back (a directory or the database). */
  tamper(filesDir: string): Promise<void>;
  drop(): Promise<void>;
}

function sqliteFile(): SharedDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'latch-choco-'));
  const path = join(dir, 'latch.db');
  return {
    name: 'sqlite',
    async open() {
      const one = await openStorage({ sqlitePath: path });
      return [one, await openStorage({ sqlitePath: path })];
    },
    async tamper(filesDir) {
      for (const prefix of readdirSync(filesDir)) {
        for (const name of readdirSync(join(filesDir, prefix))) {
          writeFileSync(join(filesDir, prefix, name), 'tampered');
        }
      }
    },
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresSchema(): SharedDatabase {
  const schema = `latch_test_${randomBytes(6).toString('hex')}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(statement);
    await client.end();
  };
  return {
    name: 'postgres',
    async open() {
      await run(`CREATE SCHEMA ${schema}`);
      const one = await openStorage({ databaseUrl: POSTGRES_URL, schema });
      return [one, await openStorage({ databaseUrl: POSTGRES_URL, schema })];
    },
    tamper: () => run(`UPDATE ${schema}.choco_package_files SET content = 'tampered'::bytea`),
    drop: () => run(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
  };
}

for (const shared of [sqliteFile(), postgresSchema()]) {
  describe(`package cache across two servers on ${shared.name}`, () => {
    let repository: FakeNugetRepository;
    let storages: Storage[];
    let servers: Chocolatey[];
    let filesDir: string;
    let startServer: (storage: Storage) => Chocolatey;

    before(async () => {
      repository = await startFakeNugetRepository();
      repository.addPackageFile('xunit', '2.1.0', NUPKG);
      repository.addPackageFile('xunit', '2.0.0', NUPKG, { keepHash: true });
      storages = await shared.open();
      filesDir = mkdtempSync(join(tmpdir(), 'latch-choco-files-'));
      const config = readConfig({
        LATCH_CHOCOLATEY_UPSTREAM: repository.url,
        LATCH_CHOCOLATEY_FILES: shared.name === 'postgres' ? 'database' : filesDir,
      }).chocolatey;
      const secrets = new SecretBox(Buffer.alloc(32, 7));
      startServer = (storage) =>
        createChocolatey({ config, storage, secrets, feedKey: Buffer.alloc(32, 1) });
      servers = storages.map(startServer);
    });
    after(async () => {
      await Promise.all(storages.map((s) => s.close()));
      await shared.drop();
      await repository.close();
      rmSync(filesDir, { recursive: true, force: true });
    });

    it('fetches a version once for concurrent requests on both servers', async () => {
      const requests = servers.flatMap((server) =>
        Array.from({ length: PER_SERVER }, () => server.cache.getFile('xunit', '2.1.0', BUDGET)),
      );

      const files = await Promise.all(requests);

      assert.ok(files.every((f) => f?.bytes.equals(NUPKG)));
      assert.equal(repository.counts.metadata, 1);
      assert.equal(repository.counts.download, 1);
      assert.equal(files[0]!.version.fileSize, NUPKG.length);
    });

    it('refuses a download whose hash differs from the published one, and keeps nothing', async () => {
      await assert.rejects(servers[0]!.cache.getFile('xunit', '2.0.0', BUDGET), {
        code: 'package_hash_mismatch',
      });

      const cached = await storages[1]!.getCachedVersion('xunit', '2.0.0');
      assert.equal(cached?.fileSha512, null);
    });

    it('refuses a stored file that was altered after it was checked', async () => {
      await shared.tamper(filesDir);
      const restarted = startServer(storages[1]!);

      await assert.rejects(restarted.cache.getFile('xunit', '2.1.0', BUDGET), {
        code: 'package_file_corrupt',
      });
    });
  });
}
