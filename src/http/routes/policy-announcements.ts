import type { FastifyBaseLogger } from 'fastify';
import type { PolicyChange, PolicyEvents } from '../../service/policy-events.js';
import type { Storage } from '../../storage/storage.js';

/**
 * Tells the channels of a committed change; a failing listener is logged, never answered (the
 * change itself is already committed).
 */
export async function announce(events: PolicyEvents, log: FastifyBaseLogger, event: PolicyChange) {
  if (event.deviceIds.length === 0) return;
  const errors = await events.emit(event);
  for (const error of errors) {
    log.error(
      { err: error, policyId: event.policyId, change: event.change },
      'policy listener failed',
    );
  }
}

/**
 * After devices joined or left a group: each policy assigned to the group now reaches the
 * joiners (`assigned`; devices it already reached another way are included, and re-planning them
 * is harmless), and no longer reaches leavers it does not reach another way (`unassigned`).
 */
export async function announceMembership(
  storage: Storage,
  events: PolicyEvents,
  log: FastifyBaseLogger,
  change: { groupId: string; deviceIds: string[]; joined: boolean },
) {
  if (change.deviceIds.length === 0) return;
  const assignments = (await storage.listAssignments({ targetKind: 'policy' })).filter(
    (a) => a.subjectKind === 'group' && a.subjectId === change.groupId,
  );
  for (const { targetId: policyId } of assignments) {
    let deviceIds = change.deviceIds;
    if (!change.joined) {
      const still = await Promise.all(
        deviceIds.map(async (id) =>
          (await storage.policiesForDevice(id)).some((p) => p.id === policyId),
        ),
      );
      deviceIds = deviceIds.filter((_, i) => !still[i]);
    }
    await announce(events, log, {
      policyId,
      deviceIds,
      change: change.joined ? 'assigned' : 'unassigned',
    });
  }
}
