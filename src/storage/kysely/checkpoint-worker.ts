import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';

/**
 * Runs in a worker thread beside the server's SQLite connection and copies the write-ahead log
 * back into the database file twice a second. A checkpoint waits for the disk (fsync); run by
 * the server's own connection it stalls every request in flight for milliseconds.
 */
const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const database = new SqliteDatabase(path);
database.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  try {
    // PASSIVE never waits for the writer: what it cannot copy now, the next round copies.
    database.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or failing: the next round tries again, and the server's own fallback
    // autocheckpoint bounds the WAL meanwhile.
  }
}, intervalMs);
parentPort?.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  database.close();
  parentPort?.close();
});
