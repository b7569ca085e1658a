import type { Logger } from 'pino';
import type { Chocolatey } from '../catalog/chocolatey/chocolatey.js';
import type { Registry } from 'prom-client';
import type { StoreCatalog } from '../catalog/msstore/store-catalog.js';
import type { AppDelivery } from '../service/app-delivery.js';
import type { SigningIdentity } from '../apple/profile-signing.js';
import type { Config } from '../config.js';
import type { CertificateAuthority } from '../apple/certificate-authority.js';
import type { AppleMdmService } from '../service/apple-mdm.js';
import type { ApplePusher } from '../service/apple-push.js';
import type { PolicyEvents } from '../service/policy-events.js';
import type { AgentChannel } from '../service/agent/agent-channel.js';
import type { CommandQueue } from '../service/command-queue.js';
import type { SecretBox } from '../service/secret-box.js';
import type { WindowsCertificateAuthority } from '../service/windows-certificate-authority.js';
import type { WindowsCommands } from '../service/windows-commands.js';
import type { WindowsStoragePolicy } from '../service/windows-storage-policy.js';
import type { Storage } from '../storage/storage.js';

/** What route modules are given: the wired services of one server. */
export interface AppContext {
  config: Config;
  storage: Storage;
  secrets: SecretBox;
  logger: Logger;
  metrics: Registry;
  /** The caching Chocolatey source: upstream client, package cache, politeness gate. */
  chocolatey: Chocolatey;
  /** Policy assignment changes, for the delivery channels to react to. */
  policyEvents: PolicyEvents;
  /** Signs configuration profiles before delivery; undefined when none is configured. */
  profileSigner: SigningIdentity | undefined;
  /** The agent channel: enrolment, check-in, settings, tasks, events. */
  agentChannel: AgentChannel;
  commands: CommandQueue;
  /** The Windows MDM channel's command API (queue CSP commands, read their answers). */
  windowsCommands: WindowsCommands;
  /** Issues Windows devices their MDM identity certificates. */
  windowsAuthority: WindowsCertificateAuthority;
  /** Compiles the storage-restriction policy for Windows devices and reads it back. */
  windowsStoragePolicy: WindowsStoragePolicy;
  /** The Apple MDM channel: its protocol service and the CA that issues device identities. */
  apple: { service: AppleMdmService; authority: CertificateAuthority; pusher: ApplePusher };
  /** The Microsoft Store catalog, cached in the database. */
  storeCatalog: StoreCatalog;
  /** Delivers assigned Store apps over Windows MDM or through the agent. */
  appDelivery: AppDelivery;
}
