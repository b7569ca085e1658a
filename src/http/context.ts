import type { Logger } from 'pino';
import type { Chocolatey } from '../catalog/chocolatey/chocolatey.js';
import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import type { SecretBox } from '../service/secret-box.js';
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
}
