// Copies the SQL migrations next to the compiled code, where the migrator reads them.
import { cpSync } from 'node:fs';

cpSync('src/storage/migrations', 'dist/src/storage/migrations', { recursive: true });
