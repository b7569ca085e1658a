import { sql } from 'kysely';
import type { Storage } from '../storage.js';
import { agentChannelStore } from './agent-channel-store.js';
import { appleDeclarationStore } from './apple-declaration-store.js';
import { appleMdmStore } from './apple-mdm-store.js';
import { assignmentStore } from './assignment-store.js';
import { auditStore } from './audit-store.js';
import { chocolateyStore } from './chocolatey-store.js';
import { commandQueueStore } from './command-queue-store.js';
import type { Connection, Dialect } from './connect.js';
import { credentialStore } from './credential-store.js';
import { deviceStore } from './device-store.js';
import type { Executor } from './executor.js';
import { groupStore } from './group-store.js';
import { policyStore } from './policy-store.js';
import { mountEventStore } from './mount-event-store.js';
import { settingsStore } from './settings-store.js';
import { catalogCacheStore, storeAppStore } from './store-app-store.js';
import { windowsMdmStore } from './windows-mdm-store.js';

/** The role stores, each built over an executor; a dialect for those whose SQL differs. */
const ROLES: ((db: Executor, dialect: Dialect) => object)[] = [
  deviceStore,
  groupStore,
  assignmentStore,
  auditStore,
  settingsStore,
  credentialStore,
  chocolateyStore,
  policyStore,
  agentChannelStore,
  commandQueueStore,
  appleMdmStore,
  appleDeclarationStore,
  mountEventStore,
  catalogCacheStore,
  storeAppStore,
  windowsMdmStore,
];

/**
 * Composes the role stores over one executor. Inside `transaction` the same stores are built
 * over the open transaction, so a service's multi-row write commits as one; there each role
 * store is built on first use, since a transaction touches two or three of the sixteen and
 * device messages open one each (building all of them was a measurable share of a message).
 */
export function kyselyStorage(connection: Connection): Storage {
  const storage = build(connection.db, connection);
  for (const role of ROLES) Object.assign(storage, role(connection.db, connection.dialect));
  return storage;
}

function build(db: Executor, connection: Connection): Storage {
  const storage: Partial<Storage> & Record<string, unknown> = {
    dialect: connection.dialect,

    async transaction(work) {
      if (db.isTransaction) return work(transactionStorage(db, connection));
      return db.transaction().execute((trx) => work(transactionStorage(trx, connection)));
    },

    async ping() {
      await sql`SELECT 1`.execute(db);
    },

    async close() {
      await connection.db.destroy();
    },
  };
  return storage as Storage;
}

/** Storage over an open transaction, whose role stores are built when first asked for. */
function transactionStorage(trx: Executor, connection: Connection): Storage {
  return new Proxy(build(trx, connection), {
    get(target, name, receiver) {
      if (typeof name === 'string' && !(name in target)) {
        const index = roleIndex(name, connection.dialect);
        // The whole role store joins the target, so its other methods are found directly.
        if (index !== undefined) Object.assign(target, ROLES[index]!(trx, connection.dialect));
      }
      return Reflect.get(target, name, receiver);
    },
  });
}

let roleOfMethod: Map<string, number> | undefined;

/** Which role store has the method `name`; learnt once from stores over no database. */
function roleIndex(name: string, dialect: Dialect): number | undefined {
  if (!roleOfMethod) {
    const map = new Map<string, number>();
    ROLES.forEach((role, index) => {
      for (const method of Object.keys(role(undefined as never, dialect))) map.set(method, index);
    });
    roleOfMethod = map;
  }
  return roleOfMethod.get(name);
}
