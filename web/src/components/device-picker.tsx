import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api/client';
import { orDash } from '../api/format';
import { PLATFORM_NAMES } from '../api/types';
import type { Device, Page } from '../api/types';
import { ErrorNotice } from './error-notice';

/**
 * Finds devices by name, serial, model or UDID and lets the admin tick several; `onChoose`
 * gets their ids. Devices in `exclude` (already members, already assigned) are not offered.
 */
export function DevicePicker({
  label,
  action,
  exclude,
  onChoose,
}: {
  label: string;
  action: (count: number) => string;
  exclude?: ReadonlySet<string>;
  onChoose(deviceIds: string[]): Promise<void>;
}) {
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<Device[] | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [error, setError] = useState<unknown>();

  async function find(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    try {
      const page = await api<Page<Device>>('/api/v1/devices', { query: { q: search, limit: 500 } });
      setFound(page.items.filter((d) => !exclude?.has(d.id)));
      setChosen(new Set());
    } catch (caught) {
      setError(caught);
    }
  }

  async function choose() {
    await onChoose([...chosen]);
    setFound(null);
    setChosen(new Set());
  }

  const toggle = (id: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(id);
    else next.delete(id);
    setChosen(next);
  };

  return (
    <div className="device-picker">
      <form className="inline" role="search" onSubmit={(event) => void find(event)}>
        <label>
          {label}
          <input
            type="search"
            placeholder="Name, serial, model or UDID"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </label>
        <button type="submit">Find</button>
      </form>
      <ErrorNotice error={error} action="Searching devices" />
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
                    onChange={(e) => toggle(d.id, e.target.checked)}
                  />
                  {d.name ?? d.serialNumber ?? d.id}{' '}
                  <span className="muted">
                    {PLATFORM_NAMES[d.platform]} {orDash(d.osVersion)} · {orDash(d.serialNumber)}
                  </span>
                </label>
              </li>
            ))}
          </ul>
          <div className="inline-buttons">
            <button type="button" onClick={() => setChosen(new Set(found.map((d) => d.id)))}>
              Select all {found.length}
            </button>
            <button
              type="button"
              className="primary"
              disabled={chosen.size === 0}
              onClick={() => void choose()}
            >
              {action(chosen.size)}
            </button>
          </div>
        </>
      )}
    </div>
  );
}
