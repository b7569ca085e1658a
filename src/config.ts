import { join, resolve } from 'node:path';

/** Everything Latch reads from its environment, in one place; the README lists each variable. */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  secretKey: string | undefined;
  adminPassword: string | undefined;
  metricsToken: string | undefined;
  logLevel: string;
  /** The address devices and browsers reach this server at; enrolment profiles embed it. */
  publicUrl: string;
  bodyLimitBytes: number;
  chocolatey: ChocolateyConfig;
}

/** The caching Chocolatey source (NuGet v2 feed) and its politeness towards upstream. */
export interface ChocolateyConfig {
  /** The upstream feed root used until an admin sets another through the API. */
  upstreamUrl: string;
  /** `database`, or the directory `.nupkg` files are kept in (shared by every server). */
  files: 'database' | { directory: string };
  metadataPerMinute: number;
  downloadsPerMinute: number;
  /** How long a feed request may wait for upstream before answering 503 with Retry-After. */
  feedWaitMs: number;
  /** How long a package's version list is reused before upstream is asked again. */
  listTtlMs: number;
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

function readChocolateyConfig(env: NodeJS.ProcessEnv, dataDir: string): ChocolateyConfig {
  const files = env.LATCH_CHOCOLATEY_FILES ?? join(dataDir, 'chocolatey');
  return {
    upstreamUrl: (
      env.LATCH_CHOCOLATEY_UPSTREAM ?? 'https://community.chocolatey.org/api/v2'
    ).replace(/\/+$/, ''),
    files: files === 'database' ? 'database' : { directory: resolve(files) },
    metadataPerMinute: positiveNumber(env, 'LATCH_CHOCOLATEY_METADATA_PER_MINUTE', 60),
    downloadsPerMinute: positiveNumber(env, 'LATCH_CHOCOLATEY_DOWNLOADS_PER_MINUTE', 10),
    feedWaitMs: positiveNumber(env, 'LATCH_CHOCOLATEY_FEED_WAIT_MS', 20_000),
    listTtlMs: positiveNumber(env, 'LATCH_CHOCOLATEY_LIST_TTL_MS', 3_600_000),
  };
}

export function readConfig(
  env: NodeJS.ProcessEnv,
  overrides: { port?: number; dataDir?: string } = {},
): Config {
  const port = overrides.port ?? Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number, not ${String(env.PORT)}`);
  }
  const bodyLimitBytes = Number(env.LATCH_BODY_LIMIT ?? 1024 * 1024);
  if (!Number.isInteger(bodyLimitBytes) || bodyLimitBytes <= 0) {
    throw new Error('LATCH_BODY_LIMIT must be a positive number of bytes');
  }
  const dataDir = resolve(overrides.dataDir ?? env.LATCH_DATA_DIR ?? './data');
  return {
    host: env.HOST ?? '0.0.0.0',
    port,
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    secretKey: env.LATCH_SECRET_KEY || undefined,
    adminPassword: env.LATCH_ADMIN_PASSWORD || undefined,
    metricsToken: env.LATCH_METRICS_TOKEN || undefined,
    logLevel: env.LATCH_LOG_LEVEL ?? 'info',
    publicUrl: (env.LATCH_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    bodyLimitBytes,
    chocolatey: readChocolateyConfig(env, dataDir),
  };
}

export const sqlitePath = (config: Config) => join(config.dataDir, 'latch.db');
