import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import type { CertificateAuthority } from '../apple/certificate-authority.js';
import type { AppleMdmService } from '../service/apple-mdm.js';
import type { ApplePusher } from '../service/apple-push.js';
import type { CommandQueue } from '../service/command-queue.js';
import type { SecretBox } from '../service/secret-box.js';
import type { Storage } from '../storage/storage.js';

/** What route modules are given: the wired services of one server. */
export interface AppContext {
  config: Config;
  storage: Storage;
  secrets: SecretBox;
  logger: Logger;
  metrics: Registry;
  commands: CommandQueue;
  /** The Apple MDM channel: its protocol service and the CA that issues device identities. */
  apple: { service: AppleMdmService; authority: CertificateAuthority; pusher: ApplePusher };
}
