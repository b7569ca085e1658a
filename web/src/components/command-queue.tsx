import { useState } from 'react';
import { api } from '../api/client';
import { dateTime } from '../api/format';
import type { QueuedCommand } from '../api/types';
import { ErrorNotice } from './error-notice';
import { SectionTitle } from './section-title';
import { StatusBadge } from './status-badge';
import { useLoad } from '../use-load';

const UNANSWERED = new Set(['pending', 'sent', 'not_now']);
const CHANNEL_NAMES = { apple: 'Apple MDM', windows: 'Windows MDM', agent: 'Agent' };

/** A device's command queue, newest first as the API lists it, with cancel for unanswered ones. */
export function CommandQueue({ deviceId }: { deviceId: string }) {
  const commands = useLoad(
    (signal) =>
      api<{ items: QueuedCommand[] }>(`/api/v1/devices/${encodeURIComponent(deviceId)}/commands`, {
        query: { limit: 200 },
        signal,
      }),
    [deviceId],
    { refreshMs: 10_000 },
  );
  const [error, setError] = useState<unknown>();

  async function cancel(command: QueuedCommand) {
    setError(undefined);
    try {
      await api(`/api/v1/commands/${encodeURIComponent(command.id)}/cancel`, { method: 'POST' });
      commands.reload();
    } catch (caught) {
      setError(caught);
    }
  }

  const items = commands.data?.items ?? [];
  return (
    <section aria-labelledby="commands">
      <SectionTitle id="commands" title="Command queue" onRefresh={commands.reload} />
      <ErrorNotice error={commands.error} action="Loading the command queue" />
      <ErrorNotice error={error} action="Cancelling the command" />
      <table className="data" aria-busy={commands.loading}>
        <thead>
          <tr>
            <th>Command</th>
            <th>Channel</th>
            <th>State</th>
            <th className="number">Sends</th>
            <th>Queued</th>
            <th>Answered</th>
            <th>Detail</th>
            <th>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody data-testid="command-rows">
          {items.map((command) => (
            <tr key={command.id}>
              <td title={command.id}>{command.requestType}</td>
              <td>{CHANNEL_NAMES[command.channel]}</td>
              <td>
                <StatusBadge state={command.status} />
              </td>
              <td className="number">{command.attempts}</td>
              <td>{dateTime(command.createdAt)}</td>
              <td>{dateTime(command.answeredAt)}</td>
              <td>{command.error ?? command.origin ?? ''}</td>
              <td>
                {UNANSWERED.has(command.status) && (
                  <button
                    type="button"
                    className="link-button"
                    aria-label={`Cancel ${command.requestType}`}
                    onClick={() => void cancel(command)}
                  >
                    Cancel
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!commands.loading && items.length === 0 && !commands.error && (
        <p className="empty">No commands.</p>
      )}
    </section>
  );
}
