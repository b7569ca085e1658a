import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api } from '../api/client';
import { orDash } from '../api/format';
import { PLATFORM_NAMES } from '../api/types';
import type { Device, GroupDetail, Page } from '../api/types';
import { inBatches } from '../batches';
import type { BatchProgress } from '../batches';
import { DevicePicker } from '../components/device-picker';
import { ErrorNotice } from '../components/error-notice';
import { PageTitle } from '../components/layout';
import { ProgressBar } from '../components/progress-bar';
import { useLoad } from '../use-load';

const MEMBERS_PER_REQUEST = 1000;

/** One group: rename it, see its members, add devices found by search, remove members. */
export function GroupPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const path = `/api/v1/groups/${encodeURIComponent(id)}`;
  const group = useLoad((signal) => api<GroupDetail>(path, { signal }), [id]);
  const members = useLoad(
    (signal) =>
      api<Page<Device>>('/api/v1/devices', { query: { groupId: id, limit: 1000 }, signal }),
    [id],
  );
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [progress, setProgress] = useState<BatchProgress | null>(null);
  const [error, setError] = useState<unknown>();
  const [action, setAction] = useState('');

  useEffect(() => {
    if (!group.data) return;
    setName(group.data.name);
    setDescription(group.data.description);
  }, [group.data]);

  async function run(label: string, work: () => Promise<void>) {
    setError(undefined);
    setAction(label);
    try {
      await work();
    } catch (caught) {
      setError(caught);
    }
  }

  const save = (event: FormEvent) => {
    event.preventDefault();
    void run('Saving the group', async () => {
      await api(path, { method: 'PATCH', body: { name: name.trim(), description } });
      group.reload();
    });
  };

  const addMembers = (deviceIds: string[]) =>
    run('Adding devices', async () => {
      try {
        await inBatches(
          deviceIds,
          MEMBERS_PER_REQUEST,
          async (batch) => {
            await api(`${path}/members`, { method: 'POST', body: { deviceIds: batch } });
          },
          setProgress,
        );
      } finally {
        setProgress(null);
        group.reload();
        members.reload();
      }
    });

  const remove = (deviceId: string) =>
    run('Removing the device', async () => {
      await api(`${path}/members/${encodeURIComponent(deviceId)}`, { method: 'DELETE' });
      group.reload();
      members.reload();
    });

  const destroy = () =>
    run('Deleting the group', async () => {
      if (!window.confirm(`Delete the group ${group.data?.name ?? ''}?`)) return;
      await api(path, { method: 'DELETE' });
      navigate('/groups');
    });

  return (
    <>
      <PageTitle title={group.data ? `Group: ${group.data.name}` : 'Group'}>
        <button type="button" className="danger" onClick={() => void destroy()}>
          Delete group
        </button>
      </PageTitle>
      <ErrorNotice error={group.error} action="Loading the group" />
      <ErrorNotice error={error} action={action} />
      <form className="card inline" onSubmit={save}>
        <label>
          Name
          <input name="name" value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label>
          Description
          <input
            name="description"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </label>
        <button type="submit">Save</button>
      </form>
      <section aria-labelledby="members">
        <h2 id="members">Members ({group.data?.memberCount ?? '…'})</h2>
        <ErrorNotice error={members.error} action="Loading members" />
        <table className="data">
          <thead>
            <tr>
              <th>Name</th>
              <th>Platform</th>
              <th>OS</th>
              <th>Serial</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody data-testid="member-rows">
            {members.data?.items.map((d) => (
              <tr key={d.id}>
                <td>
                  <Link to={`/devices/${d.id}`}>{d.name ?? d.serialNumber ?? d.id}</Link>
                </td>
                <td>{PLATFORM_NAMES[d.platform]}</td>
                <td>{orDash(d.osVersion)}</td>
                <td>{orDash(d.serialNumber)}</td>
                <td>
                  <button type="button" className="link-button" onClick={() => void remove(d.id)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="add-members" className="card">
        <h2 id="add-members">Add devices</h2>
        {progress && <ProgressBar label="Adding devices" {...progress} />}
        <DevicePicker
          label="Find devices"
          exclude={new Set(group.data?.deviceIds ?? [])}
          action={(count) => `Add ${count} device${count === 1 ? '' : 's'}`}
          onChoose={addMembers}
        />
      </section>
    </>
  );
}
