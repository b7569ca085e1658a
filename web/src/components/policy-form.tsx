import { useState } from 'react';
import type { FormEvent } from 'react';
import { STORAGE_MODES } from '../api/types';
import type { StorageException, StorageMode, StorageRestrictionSettings } from '../api/types';
import { DeviceName } from './device-name';
import { DevicePicker } from './device-picker';

export const DEFAULT_STATUS_TEXT = 'External disk mounting is disabled by your administrator';
export const DEFAULT_NOTIFICATION_TEXT =
  'External device not recognised. External disk mounting is disabled by policy. ' +
  'Contact your IT admin for more information.';

const MODE_HELP: Record<StorageMode, string> = {
  block: 'USB drives, external disks and SSDs, and SD cards are refused.',
  'read-only':
    'External media mount read-only and cannot run programs; remounting read-write is refused.',
  audit: 'Nothing is refused; every mount is reported. Use it to roll out.',
};

/** What one storage-restriction policy does on each platform, said before it is assigned. */
export function PlatformEffects({ mode }: { mode: StorageMode }) {
  return (
    <dl className="facts" data-testid="platform-effects">
      <dt>Mac (External Storage Restrictions)</dt>
      <dd>
        {mode === 'audit' ? 'Every mount reported, nothing refused' : MODE_HELP[mode]} Enforced by
        the Latch agent from boot for every user; on macOS 15 and later also Apple&apos;s
        disk-management setting. Needs macOS 11 or later and the agent&apos;s extension approved.
      </dd>
      <dt>iPhone and iPad (USB drive restriction)</dt>
      <dd>
        {mode === 'audit'
          ? 'Nothing enforced.'
          : 'The Files app cannot use USB drives (allowFilesUSBDriveAccess off).'}{' '}
        Supervised devices on iOS/iPadOS 13.1 or later only; unsupervised and user-enrolled devices
        cannot be restricted.
      </dd>
      <dt>Windows (removable storage)</dt>
      <dd>
        {mode === 'block' && 'All removable storage classes denied through the Policy CSP.'}
        {mode === 'read-only' && 'Writing to removable disks denied through the Policy CSP.'}
        {mode === 'audit' && 'Nothing enforced; the agent reports.'} Printers and scanners keep
        working.
      </dd>
    </dl>
  );
}

/** datetime-local wants local time without zone or seconds. */
function toLocalInput(iso: string): string {
  const at = new Date(iso);
  const local = new Date(at.getTime() - at.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

export interface PolicyDraft {
  name: string;
  settings: StorageRestrictionSettings;
}

/** The fields of a storage-restriction policy; `onSave` gets the settings as the API takes them. */
export function PolicyForm({
  initial,
  submitLabel,
  onSave,
}: {
  initial: PolicyDraft;
  submitLabel: string;
  onSave(draft: PolicyDraft): Promise<void>;
}) {
  const [name, setName] = useState(initial.name);
  const [mode, setMode] = useState<StorageMode>(initial.settings.mode);
  const [helpUrl, setHelpUrl] = useState(initial.settings.helpUrl ?? '');
  const [statusText, setStatusText] = useState(initial.settings.statusText ?? DEFAULT_STATUS_TEXT);
  const [notificationText, setNotificationText] = useState(
    initial.settings.notificationText ?? DEFAULT_NOTIFICATION_TEXT,
  );
  const [exceptions, setExceptions] = useState<StorageException[]>(
    initial.settings.exceptions ?? [],
  );
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      const settings: StorageRestrictionSettings = {
        mode,
        statusText,
        notificationText,
        exceptions,
      };
      if (helpUrl.trim()) settings.helpUrl = helpUrl.trim();
      await onSave({ name: name.trim(), settings });
    } finally {
      setBusy(false);
    }
  }

  const addExceptions = async (deviceIds: string[]) => {
    const until = new Date(Date.now() + 24 * 3_600_000).toISOString();
    const known = new Set(exceptions.map((e) => e.deviceId));
    setExceptions([
      ...exceptions,
      ...deviceIds.filter((id) => !known.has(id)).map((deviceId) => ({ deviceId, until })),
    ]);
  };

  return (
    <>
      <form className="card policy-form" onSubmit={(event) => void submit(event)}>
        <label>
          Name
          <input name="name" value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <fieldset>
          <legend>Mode</legend>
          {STORAGE_MODES.map((m) => (
            <label key={m}>
              <input
                type="radio"
                name="mode"
                value={m}
                checked={mode === m}
                onChange={() => setMode(m)}
              />
              <span>
                <strong>{m}</strong> <span className="muted">{MODE_HELP[m]}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <label>
          Help page URL
          <input
            name="helpUrl"
            type="url"
            placeholder="The organisation's help URL when empty"
            value={helpUrl}
            onChange={(e) => setHelpUrl(e.target.value)}
          />
        </label>
        <label>
          Tray app status text
          <input
            name="statusText"
            value={statusText}
            onChange={(e) => setStatusText(e.target.value)}
            required
          />
        </label>
        <label>
          Notification text (each refused mount)
          <textarea
            name="notificationText"
            rows={2}
            value={notificationText}
            onChange={(e) => setNotificationText(e.target.value)}
            required
          />
        </label>
        <fieldset>
          <legend>Time-limited exceptions</legend>
          {exceptions.length === 0 && <p className="empty">No device is excepted.</p>}
          <ul className="exceptions" data-testid="exceptions">
            {exceptions.map((exception, index) => (
              <li key={exception.deviceId}>
                <DeviceName id={exception.deviceId} />
                <label>
                  until
                  <input
                    type="datetime-local"
                    value={toLocalInput(exception.until)}
                    onChange={(e) => {
                      if (!e.target.value) return;
                      const next = [...exceptions];
                      next[index] = { ...exception, until: new Date(e.target.value).toISOString() };
                      setExceptions(next);
                    }}
                  />
                </label>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => setExceptions(exceptions.filter((_, i) => i !== index))}
                >
                  Remove exception
                </button>
              </li>
            ))}
          </ul>
        </fieldset>
        <button type="submit" className="primary" disabled={busy}>
          {submitLabel}
        </button>
      </form>
      <div className="card">
        <h3>Add an exception</h3>
        <DevicePicker
          label="Find devices to except"
          exclude={new Set(exceptions.map((e) => e.deviceId))}
          action={(count) => `Except ${count} device${count === 1 ? '' : 's'} for 24 hours`}
          onChoose={addExceptions}
        />
      </div>
      <h2>On each platform</h2>
      <PlatformEffects mode={mode} />
    </>
  );
}
