import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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
  /** The most one admin request may add to a command queue (every command keeps its payload). */
  queueRequestLimitBytes: number;
  chocolatey: ChocolateyConfig;
  /** The built console (index.html and assets/); `npm run build` writes it to web/dist. */
  consoleDir: string;
  /** How often an idle agent checks in. */
  agentCheckinIntervalSeconds: number;
  /** Each device's agent request budget: a burst, refilled at so many a minute. */
  agentRatePerMinute: number;
  agentRateBurst: number;
  /** Failed sign-ins a username and a client address may each make a minute before 429. */
  loginFailuresPerMinute: number;
  /** A sent command unanswered this long is handed out again. */
  commandResendAfterMs: number;
  /** Sends before an unanswered command is marked failed. */
  commandMaxAttempts: number;
  /** PEM files of the certificate and key Latch serves HTTPS with; plain HTTP when unset. */
  tlsCertFile: string | undefined;
  tlsKeyFile: string | undefined;
  /** Addresses of TLS-terminating proxies allowed to forward a client certificate. */
  trustedProxies: string[];
  /** The header such a proxy forwards the URL-escaped client certificate PEM in. */
  clientCertHeader: string;
  /** Queued commands sent to a Windows device in one OMA-DM message at most. */
  windowsCommandsPerMessage: number;
  /** The APNs topic of the MDM push certificate (its UID), put in enrolment profiles. */
  apnsTopic: string;
  /** APNs provider API; an http:// address is a local stand-in spoken to without TLS. */
  apnsUrl: string;
  apnsCertPath: string | undefined;
  apnsKeyPath: string | undefined;
  apnsPfxPath: string | undefined;
  apnsPfxPassword: string | undefined;
  /** Adds PUT /mdm/apple/bench/constant, the constant-plist ceiling route the benchmark uses. */
  benchRoutes: boolean;
  /** The Microsoft Store's winget REST source, and how Latch treats it. */
  store: StoreConfig;
  /** Files of the identity that signs configuration profiles; all unset: profiles go unsigned. */
  profileSigning: {
    certificateFile: string | undefined;
    keyFile: string | undefined;
    pkcs12File: string | undefined;
    passphrase: string | undefined;
  };
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

function readChocolateyConfig(env: NodeJS.ProcessEnv, dataDir: string): ChocolateyConfig {
  const files = env.LATCH_CHOCOLATEY_FILES || join(dataDir, 'chocolatey');
  return {
    upstreamUrl: (
      env.LATCH_CHOCOLATEY_UPSTREAM ?? 'https://community.chocolatey.org/api/v2'
    ).replace(/\/+$/, ''),
    files: files === 'database' ? 'database' : { directory: resolve(files) },
    metadataPerMinute: positive(env, 'LATCH_CHOCOLATEY_METADATA_PER_MINUTE', 60),
    downloadsPerMinute: positive(env, 'LATCH_CHOCOLATEY_DOWNLOADS_PER_MINUTE', 10),
    feedWaitMs: positive(env, 'LATCH_CHOCOLATEY_FEED_WAIT_MS', 20_000),
    listTtlMs: positive(env, 'LATCH_CHOCOLATEY_LIST_TTL_MS', 3_600_000),
  };
}

export interface StoreConfig {
  url: string;
  /** The whole budget of one call to the Store, retries included. */
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  /** How long a search or manifest answer is served from the cache without asking again. */
  cacheTtlMs: number;
  maxResults: number;
  /** How often app delivery reconciles, queues what is due and re-polls running installs. */
  deliveryIntervalMs: number;
}

/** web/dist of this checkout, seen from dist/src/config.js. */
const BUILT_CONSOLE = fileURLToPath(new URL('../../web/dist/', import.meta.url));

export function readConfig(
  env: NodeJS.ProcessEnv,
  overrides: { port?: number; dataDir?: string } = {},
): Config {
  const port = overrides.port ?? Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number, not ${String(overrides.port ?? env.PORT)}`);
  }
  const bodyLimitBytes = Number(env.LATCH_BODY_LIMIT ?? 1024 * 1024);
  if (!Number.isInteger(bodyLimitBytes) || bodyLimitBytes <= 0) {
    throw new Error('LATCH_BODY_LIMIT must be a positive number of bytes');
  }
  const dataDir = resolve(overrides.dataDir ?? env.LATCH_DATA_DIR ?? './data');
  return {
    agentCheckinIntervalSeconds: positive(env, 'LATCH_AGENT_CHECKIN_INTERVAL', 60),
    agentRatePerMinute: positive(env, 'LATCH_AGENT_RATE_PER_MINUTE', 120),
    agentRateBurst: positive(env, 'LATCH_AGENT_RATE_BURST', 30),
    loginFailuresPerMinute: positive(env, 'LATCH_LOGIN_FAILURES_PER_MINUTE', 10),
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
    queueRequestLimitBytes: positive(env, 'LATCH_QUEUE_REQUEST_LIMIT_MB', 256) * 2 ** 20,
    chocolatey: readChocolateyConfig(env, dataDir),
    consoleDir: resolve(env.LATCH_CONSOLE_DIR ?? BUILT_CONSOLE),
    commandResendAfterMs: positive(env, 'LATCH_COMMAND_RESEND_AFTER_S', 300) * 1000,
    commandMaxAttempts: positive(env, 'LATCH_COMMAND_MAX_ATTEMPTS', 3),
    profileSigning: {
      certificateFile: env.LATCH_PROFILE_SIGNING_CERT || undefined,
      keyFile: env.LATCH_PROFILE_SIGNING_KEY || undefined,
      pkcs12File: env.LATCH_PROFILE_SIGNING_P12 || undefined,
      passphrase: env.LATCH_PROFILE_SIGNING_PASSWORD || undefined,
    },
    tlsCertFile: env.LATCH_TLS_CERT || undefined,
    tlsKeyFile: env.LATCH_TLS_KEY || undefined,
    trustedProxies: (env.LATCH_TRUSTED_PROXIES ?? '')
      .split(',')
      .map((address) => address.trim())
      .filter(Boolean),
    clientCertHeader: (env.LATCH_CLIENT_CERT_HEADER ?? 'x-client-cert').toLowerCase(),
    windowsCommandsPerMessage: positive(env, 'LATCH_WINDOWS_COMMANDS_PER_MESSAGE', 10),
    apnsTopic: env.LATCH_APNS_TOPIC || 'com.apple.mgmt.External.latch-unconfigured',
    apnsUrl: (env.LATCH_APNS_URL || 'https://api.push.apple.com').replace(/\/+$/, ''),
    apnsCertPath: env.LATCH_APNS_CERT || undefined,
    apnsKeyPath: env.LATCH_APNS_KEY || undefined,
    apnsPfxPath: env.LATCH_APNS_PFX || undefined,
    apnsPfxPassword: env.LATCH_APNS_PFX_PASSWORD || undefined,
    benchRoutes: env.LATCH_BENCH_ROUTES === '1',
    store: {
      url: (env.LATCH_STORE_URL || 'https://storeedgefd.dsx.mp.microsoft.com/v9.0').replace(
        /\/+$/,
        '',
      ),
      timeoutMs: positive(env, 'LATCH_STORE_TIMEOUT_MS', 10_000),
      retries: positive(env, 'LATCH_STORE_ATTEMPTS', 3) - 1,
      backoffMs: 200,
      cacheTtlMs: positive(env, 'LATCH_STORE_CACHE_TTL_S', 3600) * 1000,
      maxResults: positive(env, 'LATCH_STORE_MAX_RESULTS', 25),
      deliveryIntervalMs: positive(env, 'LATCH_APP_DELIVERY_INTERVAL_S', 60) * 1000,
    },
  };
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

export const sqlitePath = (config: Config) => join(config.dataDir, 'latch.db');
