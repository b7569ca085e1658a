import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import type { Group } from '../api/types';
import { ErrorNotice } from '../components/error-notice';
import { PageTitle } from '../components/layout';
import { useLoad } from '../use-load';

/** Static groups: the list, and a form to create one. */
export function GroupsPage() {
  const groups = useLoad((signal) => api<{ items: Group[] }>('/api/v1/groups', { signal }), []);
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<unknown>();

  async function create(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    try {
      const group = await api<Group>('/api/v1/groups', {
        method: 'POST',
        body: { name: name.trim(), description },
      });
      navigate(`/groups/${group.id}`);
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <>
      <PageTitle title="Groups" />
      <ErrorNotice error={groups.error} action="Loading groups" />
      <table className="data" aria-busy={groups.loading}>
        <thead>
          <tr>
            <th>Name</th>
            <th>Description</th>
            <th className="number">Devices</th>
          </tr>
        </thead>
        <tbody data-testid="group-rows">
          {groups.data?.items.map((group) => (
            <tr key={group.id}>
              <td>
                <Link to={`/groups/${group.id}`}>{group.name}</Link>
              </td>
              <td>{group.description}</td>
              <td className="number">{group.memberCount}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {groups.data?.items.length === 0 && <p className="empty">No groups yet.</p>}
      <form className="card" onSubmit={(event) => void create(event)}>
        <h2>New group</h2>
        <ErrorNotice error={error} action="Creating the group" />
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
        <button type="submit" className="primary">
          Create group
        </button>
      </form>
    </>
  );
}
