import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import type { CommandQueue } from '../service/command-queue.js';
import type { SecretBox } from '../service/secret-box.js';
import type { WindowsCertificateAuthority } from '../service/windows-certificate-authority.js';
import type { WindowsCommands } from '../service/windows-commands.js';
import type { Storage } from '../storage/storage.js';

/** What route modules are given: the wired services of one server. */
export interface AppContext {
  config: Config;
  storage: Storage;
  secrets: SecretBox;
  logger: Logger;
  metrics: Registry;
  commands: CommandQueue;
  /** The Windows MDM channel's command API (queue CSP commands, read their answers). */
  windowsCommands: WindowsCommands;
  /** Issues Windows devices their MDM identity certificates. */
  windowsAuthority: WindowsCertificateAuthority;
}
