import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Config } from './config.js';
import { sqlitePath } from './config.js';
import { createChocolatey } from './catalog/chocolatey/chocolatey.js';
import {
  dispatchChocoInstalls,
  feedUrlOf,
  recordChocoTask,
} from './catalog/chocolatey/choco-deployment.js';
import { warmWaitingPackages } from './catalog/chocolatey/package-warmer.js';
import type { AppContext } from './http/context.js';
import { buildServer } from './http/server.js';
import { storeCatalogFrom } from './catalog/msstore/store-catalog-factory.js';
import { AppDelivery } from './service/app-delivery.js';
import { ensureAdmin } from './service/admin-accounts.js';
import { loadAppleAuthority } from './service/apple-authority.js';
import { ClientCertificateIdentity } from './service/apple-client-identity.js';
import { AppleDeclarations } from './service/apple-declarations.js';
import { IdentityVerifier } from './service/apple-identity.js';
import { SignatureChecks } from './apple/signature-checks.js';
import { AppleMdmService } from './service/apple-mdm.js';
import { ApplePolicyDelivery } from './service/apple-policy-delivery.js';
import { ApplePusher } from './service/apple-push.js';
import { PolicyEvents } from './service/policy-events.js';
import { loadConfiguredSigner } from './service/profile-signer.js';
import { AgentChannel } from './service/agent/agent-channel.js';
import { followMountEvents } from './service/mount-event-recorder.js';
import { CommandQueue } from './service/command-queue.js';
import { SecretBox, loadSecretKey } from './service/secret-box.js';
import { WindowsCertificateAuthority } from './service/windows-certificate-authority.js';
import { WindowsCommands } from './service/windows-commands.js';
import { WindowsStoragePolicy } from './service/windows-storage-policy.js';
import { connect } from './storage/kysely/connect.js';
import { kyselyStorage } from './storage/kysely/kysely-storage.js';
import { migrate } from './storage/kysely/migrate.js';
import type { Storage } from './storage/storage.js';

const SWEEP_INTERVAL_MS = 30_000;
const CHOCOLATEY_ROUND_INTERVAL_MS = 60_000;

export interface RunningServer {
  app: FastifyInstance;
  context: AppContext;
  /** The address it listens on, e.g. http://127.0.0.1:8080. */
  url: string;
  /** Stops taking requests, lets in-flight ones finish, then closes the database. */
  close(): Promise<void>;
}

/** Opens and migrates the configured database: the one place that chooses the backend. */
export async function openStorage(options: {
  databaseUrl?: string | undefined;
  /** The SQLite file, or ':memory:'; ignored when databaseUrl is set. */
  sqlitePath?: string;
  /** PostgreSQL only: the schema to use, which tests use to isolate suites. */
  schema?: string;
  /** PostgreSQL only: hears a connection that failed outside a query; it is replaced. */
  onConnectionError?: (error: Error) => void;
}): Promise<Storage> {
  const connection = connect(options);
  try {
    await migrate(connection);
  } catch (error) {
    await connection.db.destroy();
    throw new Error('database migration failed', { cause: error });
  }
  return kyselyStorage(connection);
}

/** Wires storage, secrets and routes, and starts listening. */
export async function startServer(
  config: Config,
  logger: Logger,
  options: { storage?: Storage; announce?: (text: string) => void } = {},
): Promise<RunningServer> {
  const storage =
    options.storage ??
    (await openStorage({
      databaseUrl: config.databaseUrl,
      sqlitePath: sqlitePath(config),
      onConnectionError: (error) =>
        logger.warn({ err: error }, 'a database connection failed; the pool replaces it'),
    }));
  const secrets = new SecretBox(loadSecretKey(config.secretKey, config.dataDir));
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });

  const { generatedPassword } = await ensureAdmin(storage, config.adminPassword);
  const chocolatey = createChocolatey({
    config: config.chocolatey,
    storage,
    secrets,
  });
  const policyEvents = new PolicyEvents();
  const profileSigner = await loadConfiguredSigner(config.profileSigning);
  const commands = new CommandQueue(storage, {
    resendAfterMs: config.commandResendAfterMs,
    maxAttempts: config.commandMaxAttempts,
  });
  const windowsCommands = new WindowsCommands(commands, storage);
  const authority = await loadAppleAuthority(storage, secrets);
  const signatureChecks = new SignatureChecks({
    onFailure: (error) =>
      logger.warn({ err: error }, 'signature worker failed; checking signatures in place'),
  });
  const identities = new IdentityVerifier(storage, authority, {
    checks: signatureChecks,
    // Only PostgreSQL can be shared by several servers; each must then confirm every message.
    sharedDatabase: storage.dialect === 'postgres',
  });
  const pusher = new ApplePusher(storage, config, logger);
  const declarations = new AppleDeclarations(storage);
  const delivery = new ApplePolicyDelivery(storage, pusher, logger, declarations);
  const redeliver = (deviceId: string) => {
    delivery
      .deliver([deviceId])
      .catch((error: unknown) => logger.warn({ err: error }, 'policy delivery failed'));
  };
  policyEvents.onPolicyChange(delivery.onPolicyChange);
  const apple = {
    authority,
    pusher,
    service: new AppleMdmService({
      storage,
      commands,
      secrets,
      identities,
      certificates: new ClientCertificateIdentity(storage, authority),
      declarations,
      // The enrolment's DeviceInformation and the default configuration go out once the
      // device can be pushed.
      onFirstTokenUpdate: (deviceId) => {
        redeliver(deviceId);
        pusher
          .push([deviceId])
          .catch((error: unknown) => logger.warn({ err: error }, 'Apple push failed'));
      },
      // A new OS version can change the plan (macOS 15 adds the declarations).
      onDeviceInformation: redeliver,
    }),
  };
  const storeCatalog = storeCatalogFrom(config.store, storage);
  const agentChannel = new AgentChannel({
    storage,
    secrets,
    logger,
    commands,
    policies: (s, deviceId) => s.policiesForDevice(deviceId),
    checkinIntervalSeconds: config.agentCheckinIntervalSeconds,
  });
  const appDelivery = new AppDelivery(
    storage,
    { windows: windowsCommands, agent: agentChannel.tasks },
    { pollIntervalMs: config.store.deliveryIntervalMs },
  );
  appDelivery.start(config.store.deliveryIntervalMs, (error) =>
    logger.warn({ err: error }, 'app delivery failed'),
  );
  const windowsStoragePolicy = new WindowsStoragePolicy(storage, windowsCommands);
  windowsStoragePolicy.register(policyEvents);
  const stopMountEvents = followMountEvents(agentChannel, storage, logger);
  const context: AppContext = {
    config,
    storage,
    secrets,
    logger,
    metrics,
    commands,
    windowsCommands,
    windowsAuthority: await WindowsCertificateAuthority.load(storage, secrets),
    windowsStoragePolicy,
    policyEvents,
    profileSigner,
    storeCatalog,
    appDelivery,
    chocolatey,
    agentChannel,
    apple,
  };
  const app = await buildServer(context);
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const scheme = config.tlsCertFile ? 'https' : 'http';
  const url = `${scheme}://127.0.0.1:${port}`;
  // A random port (0) is known only once listening; the default public URL must name it, since
  // feed links and enrolment profiles are built from it.
  if (config.port === 0 && config.publicUrl === 'http://localhost:0') config.publicUrl = url;

  const sweeper = setInterval(() => {
    commands.sweep().catch((error: unknown) => logger.warn({ err: error }, 'queue sweep failed'));
  }, SWEEP_INTERVAL_MS);
  sweeper.unref();
  const warmer = startChocolateyRounds(context);
  agentChannel.tasks.onResult((task) => {
    recordChocoTask(storage, task).catch((error: unknown) =>
      logger.warn({ err: error, taskId: task.id }, 'choco result not recorded'),
    );
  });

  logger.info({ url, database: storage.dialect }, 'Latch is listening');
  const announce = options.announce ?? ((text: string) => process.stdout.write(text));
  announce(loginHint(config, port, generatedPassword));

  return {
    app,
    context,
    url,
    async close() {
      clearInterval(sweeper);
      clearInterval(warmer);
      stopMountEvents();
      appDelivery.stop();
      await app.close();
      await agentChannel.close();
      apple.pusher.close();
      await signatureChecks.close();
      await storage.close();
    },
  };
}

/**
 * Every minute: fetches the Chocolatey packages devices wait for (a prefetch may have met a 429
 * or an outage), then queues the `choco` tasks of every device whose package is now cached.
 * Rounds never overlap.
 */
function startChocolateyRounds({ storage, chocolatey, agentChannel, config, logger }: AppContext) {
  let running = false;
  const round = async () => {
    await warmWaitingPackages(storage, chocolatey, logger);
    await dispatchChocoInstalls(storage, agentChannel.tasks, feedUrlOf(config.publicUrl));
  };
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    round()
      .catch((error: unknown) => logger.warn({ err: error }, 'chocolatey round failed'))
      .finally(() => {
        running = false;
      });
  }, CHOCOLATEY_ROUND_INTERVAL_MS);
  timer.unref();
  return timer;
}

/** Printed on stdout, not logged: the generated password must not end up in log storage. */
function loginHint(config: Config, port: number, generatedPassword: string | undefined): string {
  const where = `Latch console: http://localhost:${port}/  (API: ${config.publicUrl}/api/v1)`;
  if (generatedPassword) {
    return (
      `${where}\nSign in as "admin" with the one-time password: ${generatedPassword}\n` +
      'It is shown only now; change it with POST /api/v1/auth/password.\n'
    );
  }
  return `${where}\nSign in as "admin" with the password chosen at first start.\n`;
}
