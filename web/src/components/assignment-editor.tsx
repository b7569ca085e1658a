import { useState } from 'react';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import type { Assignment, Group } from '../api/types';
import { inBatches } from '../batches';
import type { BatchProgress } from '../batches';
import { useLoad } from '../use-load';
import { DeviceName } from './device-name';
import { DevicePicker } from './device-picker';
import { ErrorNotice } from './error-notice';
import { ProgressBar } from './progress-bar';

/**
 * Who a policy or an app is assigned to, with forms to assign it to groups or devices and a
 * button to remove each assignment. Device lists go out in batches with their progress shown.
 */
export function AssignmentEditor({
  assignments,
  assign,
  unassign,
  extraFields,
  devicesPerRequest = 500,
}: {
  assignments: Assignment[];
  assign(subjectKind: 'group' | 'device', subjectIds: string[]): Promise<void>;
  /** Absent where the API cannot remove an assignment: no Remove buttons then. */
  unassign?: (assignment: Assignment) => Promise<void>;
  /** Options of the assignment (an app's intent and context) shown beside the group choice. */
  extraFields?: ReactNode;
  /** How many devices one `assign` call carries, so progress moves as requests finish. */
  devicesPerRequest?: number;
}) {
  const groups = useLoad((signal) => api<{ items: Group[] }>('/api/v1/groups', { signal }), []);
  const [groupId, setGroupId] = useState('');
  const [progress, setProgress] = useState<BatchProgress | null>(null);
  const [error, setError] = useState<unknown>();
  const [action, setAction] = useState('');
  const groupName = new Map(groups.data?.items.map((g) => [g.id, g.name]));
  const assigned = new Set(assignments.map((a) => a.subjectId));

  async function run(label: string, work: () => Promise<void>) {
    setAction(label);
    setError(undefined);
    try {
      await work();
    } catch (caught) {
      setError(caught);
    }
  }

  const assignDevices = (deviceIds: string[]) =>
    run('Assigning to devices', async () => {
      try {
        await inBatches(deviceIds, devicesPerRequest, (b) => assign('device', b), setProgress);
      } finally {
        setProgress(null);
      }
    });

  return (
    <section aria-labelledby="assignments">
      <h2 id="assignments">Assignments</h2>
      <ErrorNotice error={groups.error} action="Loading groups" />
      <ErrorNotice error={error} action={action} />
      <table className="data">
        <thead>
          <tr>
            <th>Assigned to</th>
            <th>Kind</th>
            <th>Options</th>
            <th>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody data-testid="assignment-rows">
          {assignments.map((a) => (
            <tr key={a.id}>
              <td>
                {a.subjectKind === 'group' ? (
                  <Link to={`/groups/${a.subjectId}`}>
                    {groupName.get(a.subjectId) ?? a.subjectId}
                  </Link>
                ) : (
                  <DeviceName id={a.subjectId} />
                )}
              </td>
              <td>{a.subjectKind}</td>
              <td>
                {Object.entries(a.options)
                  .map(([key, value]) => `${key}: ${String(value)}`)
                  .join(', ')}
              </td>
              <td>
                {unassign && (
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => void run('Removing the assignment', () => unassign(a))}
                  >
                    Remove
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {assignments.length === 0 && <p className="empty">Not assigned yet.</p>}
      <div className="card">
        <form
          className="inline"
          onSubmit={(event) => {
            event.preventDefault();
            if (groupId) void run('Assigning to the group', () => assign('group', [groupId]));
          }}
        >
          <label>
            Group
            <select value={groupId} onChange={(e) => setGroupId(e.target.value)}>
              <option value="">Choose a group</option>
              {groups.data?.items
                .filter((g) => !assigned.has(g.id))
                .map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name} ({g.memberCount})
                  </option>
                ))}
            </select>
          </label>
          {extraFields}
          <button type="submit" className="primary" disabled={!groupId}>
            Assign to group
          </button>
        </form>
        {progress && <ProgressBar label="Assigning" {...progress} />}
        <DevicePicker
          label="Or find devices"
          exclude={assigned}
          action={(count) => `Assign to ${count} device${count === 1 ? '' : 's'}`}
          onChoose={assignDevices}
        />
      </div>
    </section>
  );
}
