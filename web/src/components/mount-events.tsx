import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { bytes, dateTime, orDash } from '../api/format';
import type { MountEvent, Page } from '../api/types';
import { useLoad } from '../use-load';
import { ErrorNotice } from './error-notice';
import { SectionTitle } from './section-title';
import { StatusBadge } from './status-badge';

const PAGE_SIZE = 50;

/** The mounts a device's agent refused, made read-only or audited, newest first. */
export function MountEvents({ deviceId }: { deviceId: string }) {
  const [decision, setDecision] = useState('');
  const path = `/api/v1/devices/${encodeURIComponent(deviceId)}/mount-events`;
  const events = useLoad(
    (signal) => api<Page<MountEvent>>(path, { query: { decision, limit: PAGE_SIZE }, signal }),
    [deviceId, decision],
    { refreshMs: 10_000 },
  );
  const [more, setMore] = useState<MountEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<unknown>();
  useEffect(() => {
    setMore([]);
    setCursor(events.data?.nextCursor ?? null);
  }, [events.data]);

  async function loadMore() {
    if (!cursor) return;
    try {
      const page = await api<Page<MountEvent>>(path, {
        query: { decision, limit: PAGE_SIZE, cursor },
      });
      setMore((items) => [...items, ...page.items]);
      setCursor(page.nextCursor);
    } catch (caught) {
      setMoreError(caught);
    }
  }

  const rows = [...(events.data?.items ?? []), ...more];
  return (
    <section aria-labelledby="mount-events">
      <SectionTitle id="mount-events" title="Mount events" onRefresh={events.reload} />
      <form className="inline" onSubmit={(event) => event.preventDefault()}>
        <label>
          Decision
          <select value={decision} onChange={(e) => setDecision(e.target.value)}>
            <option value="">All reported</option>
            <option value="deny">Refused</option>
            <option value="read-only">Read-only</option>
            <option value="audit">Audited</option>
          </select>
        </label>
      </form>
      <ErrorNotice error={events.error} action="Loading mount events" />
      <table className="data" aria-busy={events.loading}>
        <thead>
          <tr>
            <th>When</th>
            <th>User</th>
            <th>Volume</th>
            <th>Bus</th>
            <th>Media</th>
            <th className="number">Size</th>
            <th>Category</th>
            <th>Decision</th>
            <th>Rule</th>
          </tr>
        </thead>
        <tbody data-testid="mount-event-rows">
          {rows.map((e) => (
            <tr key={e.id}>
              <td>{dateTime(e.occurredAt)}</td>
              <td>{e.user}</td>
              <td>
                {orDash(e.volumeName)}
                {e.disk && <span className="muted"> ({e.disk})</span>}
              </td>
              <td>{orDash(e.bus)}</td>
              <td>{orDash(e.mediaKind)}</td>
              <td className="number">{bytes(e.sizeBytes)}</td>
              <td>{e.category}</td>
              <td>
                <StatusBadge state={e.decision} />
              </td>
              <td>
                <code>{e.rule}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!events.loading && rows.length === 0 && !events.error && (
        <p className="empty">No mount was refused or reported.</p>
      )}
      <ErrorNotice error={moreError} action="Loading more mount events" />
      {cursor && (
        <button type="button" onClick={() => void loadMore()}>
          Load older events
        </button>
      )}
    </section>
  );
}
