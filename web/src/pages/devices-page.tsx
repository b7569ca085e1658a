import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import { orDash, sinceNow, dateTime } from '../api/format';
import { PLATFORMS, PLATFORM_NAMES } from '../api/types';
import type { Device, Group, Page } from '../api/types';
import { ErrorNotice } from '../components/error-notice';
import { PageTitle } from '../components/layout';
import { useLoad } from '../use-load';

const PAGE_SIZE = 100;

/** The inventory: every device with its versions; filters and search live in the address. */
export function DevicesPage() {
  const [params, setParams] = useSearchParams();
  const platform = params.get('platform') ?? '';
  const groupId = params.get('groupId') ?? '';
  const q = params.get('q') ?? '';
  const [search, setSearch] = useState(q);
  const [more, setMore] = useState<Device[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<unknown>();

  const groups = useLoad((signal) => api<{ items: Group[] }>('/api/v1/groups', { signal }), []);
  const devices = useLoad(
    (signal) =>
      api<Page<Device>>('/api/v1/devices', {
        query: { platform, groupId, q, limit: PAGE_SIZE },
        signal,
      }),
    [platform, groupId, q],
  );
  useEffect(() => {
    setMore([]);
    setCursor(devices.data?.nextCursor ?? null);
  }, [devices.data]);

  function setFilter(key: string, value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  }

  async function loadMore() {
    if (!cursor) return;
    try {
      const page = await api<Page<Device>>('/api/v1/devices', {
        query: { platform, groupId, q, limit: PAGE_SIZE, cursor },
      });
      setMore((items) => [...items, ...page.items]);
      setCursor(page.nextCursor);
    } catch (caught) {
      setMoreError(caught);
    }
  }

  const rows = [...(devices.data?.items ?? []), ...more];
  return (
    <>
      <PageTitle title="Devices" />
      <form
        className="filters"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setFilter('q', search.trim());
        }}
      >
        <label>
          Search
          <input
            type="search"
            name="q"
            placeholder="Name, serial, model or UDID"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </label>
        <label>
          Platform
          <select value={platform} onChange={(event) => setFilter('platform', event.target.value)}>
            <option value="">All platforms</option>
            {PLATFORMS.map((p) => (
              <option key={p} value={p}>
                {PLATFORM_NAMES[p]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Group
          <select value={groupId} onChange={(event) => setFilter('groupId', event.target.value)}>
            <option value="">All groups</option>
            {groups.data?.items.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Search</button>
      </form>
      <ErrorNotice error={devices.error} action="Loading devices" />
      <ErrorNotice error={groups.error} action="Loading groups" />
      <table className="data" aria-busy={devices.loading}>
        <thead>
          <tr>
            <th>Name</th>
            <th>Platform</th>
            <th>OS</th>
            <th>Model</th>
            <th>Serial</th>
            <th>Agent</th>
            <th>Tray</th>
            <th>Last seen</th>
          </tr>
        </thead>
        <tbody data-testid="device-rows">
          {rows.map((device) => (
            <tr key={device.id}>
              <td>
                <Link to={`/devices/${device.id}`}>
                  {device.name ?? device.serialNumber ?? device.id}
                </Link>
              </td>
              <td>{PLATFORM_NAMES[device.platform]}</td>
              <td>{orDash(device.osVersion)}</td>
              <td>{orDash(device.model)}</td>
              <td>{orDash(device.serialNumber)}</td>
              <td>{orDash(device.agentVersion)}</td>
              <td>{orDash(device.trayVersion)}</td>
              <td title={dateTime(device.lastSeenAt)}>{sinceNow(device.lastSeenAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!devices.loading && rows.length === 0 && !devices.error && (
        <p className="empty">No devices match.</p>
      )}
      <ErrorNotice error={moreError} action="Loading more devices" />
      {cursor && (
        <button type="button" onClick={() => void loadMore()}>
          Load more
        </button>
      )}
    </>
  );
}
