import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api } from '../api/client';
import { orDash } from '../api/format';
import { PLATFORM_NAMES } from '../api/types';
import type { Device, GroupDetail, Page } from '../api/types';
import { ErrorNotice } from '../components/error-notice';
import { PageTitle } from '../components/layout';
import { useLoad } from '../use-load';

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
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<Device[] | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
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

  const find = (event: FormEvent) => {
    event.preventDefault();
    void run('Searching devices', async () => {
      const page = await api<Page<Device>>('/api/v1/devices', { query: { q: search, limit: 200 } });
      const memberIds = new Set(group.data?.deviceIds ?? []);
      setFound(page.items.filter((d) => !memberIds.has(d.id)));
      setChosen(new Set());
    });
  };

  const addChosen = () =>
    run('Adding devices', async () => {
      await api(`${path}/members`, { method: 'POST', body: { deviceIds: [...chosen] } });
      setFound(null);
      setChosen(new Set());
      group.reload();
      members.reload();
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
        <form className="inline" role="search" onSubmit={find}>
          <label>
            Find devices
            <input
              type="search"
              name="device-search"
              placeholder="Name, serial, model or UDID"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
          </label>
          <button type="submit">Find</button>
        </form>
        {found && found.length === 0 && <p className="empty">No other devices match.</p>}
        {found && found.length > 0 && (
          <>
            <ul className="choices" data-testid="device-choices">
              {found.map((d) => (
                <li key={d.id}>
                  <label>
                    <input
                      type="checkbox"
                      checked={chosen.has(d.id)}
                      onChange={(e) => {
                        const next = new Set(chosen);
                        if (e.target.checked) next.add(d.id);
                        else next.delete(d.id);
                        setChosen(next);
                      }}
                    />
                    {d.name ?? d.serialNumber ?? d.id}{' '}
                    <span className="muted">
                      {PLATFORM_NAMES[d.platform]} {orDash(d.osVersion)} · {orDash(d.serialNumber)}
                    </span>
                  </label>
                </li>
              ))}
            </ul>
            <button
              type="button"
              className="primary"
              disabled={chosen.size === 0}
              onClick={() => void addChosen()}
            >
              Add {chosen.size} device{chosen.size === 1 ? '' : 's'}
            </button>
          </>
        )}
      </section>
    </>
  );
}
