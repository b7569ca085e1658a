import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { openStorage } from '../../src/main.js';

describe('SQLite background checkpoint', () => {
  it('copies committed writes into the database file by itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latch-checkpoint-'));
    const path = join(dir, 'latch.db');
    const storage = await openStorage({ sqlitePath: path });
    try {
      const device = await storage.observeDevice({ platform: 'macos', serialNumber: 'CKPT-1' });

      // Only the main file is copied: what sits in the WAL alone is not in the copy.
      let found: unknown;
      for (let waited = 0; waited < 5000 && !found; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        copyFileSync(path, join(dir, 'copy.db'));
        const copy = new SqliteDatabase(join(dir, 'copy.db'), { readonly: true });
        try {
          found = copy.prepare('SELECT serial_number FROM devices WHERE id = ?').get(device.id);
        } catch {
          // Not even the tables have reached the file yet.
        } finally {
          copy.close();
        }
      }

      assert.deepEqual(found, { serial_number: 'CKPT-1' });
    } finally {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
