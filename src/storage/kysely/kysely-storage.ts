import { sql } from 'kysely';
import type { Storage } from '../storage.js';
import { agentChannelStore } from './agent-channel-store.js';
import { appleDeclarationStore } from './apple-declaration-store.js';
import { appleMdmStore } from './apple-mdm-store.js';
import { assignmentStore } from './assignment-store.js';
import { auditStore } from './audit-store.js';
import { chocolateyStore } from './chocolatey-store.js';
import { commandQueueStore } from './command-queue-store.js';
import type { Connection } from './connect.js';
import { credentialStore } from './credential-store.js';
import { deviceStore } from './device-store.js';
import type { Executor } from './executor.js';
import { groupStore } from './group-store.js';
import { policyStore } from './policy-store.js';
import { mountEventStore } from './mount-event-store.js';
import { settingsStore } from './settings-store.js';
import { catalogCacheStore, storeAppStore } from './store-app-store.js';
import { windowsMdmStore } from './windows-mdm-store.js';

/**
 * Composes the role stores over one executor. Inside `transaction` the same stores are built
 * over the open transaction, so a service's multi-row write commits as one.
 */
export function kyselyStorage(connection: Connection): Storage {
  return build(connection.db, connection);
}

function build(db: Executor, connection: Connection): Storage {
  return {
    dialect: connection.dialect,
    ...deviceStore(db),
    ...groupStore(db),
    ...assignmentStore(db),
    ...auditStore(db),
    ...settingsStore(db),
    ...credentialStore(db),
    ...chocolateyStore(db),
    ...policyStore(db),
    ...agentChannelStore(db),
    ...commandQueueStore(db, connection.dialect),
    ...appleMdmStore(db, connection.dialect),
    ...appleDeclarationStore(db),
    ...mountEventStore(db),
    ...catalogCacheStore(db),
    ...storeAppStore(db),
    ...windowsMdmStore(db),

    async transaction(work) {
      if (db.isTransaction) return work(build(db, connection));
      return db.transaction().execute((trx) => work(build(trx, connection)));
    },

    async ping() {
      await sql`SELECT 1`.execute(db);
    },

    async close() {
      await connection.db.destroy();
    },
  };
}
