/** The state words the API uses, coloured by how good they are. */
const TONES: Record<string, 'good' | 'wait' | 'bad' | 'off'> = {
  applies: 'good',
  applied: 'good',
  installed: 'good',
  acknowledged: 'good',
  mdm: 'good',
  pending: 'wait',
  installing: 'wait',
  sent: 'wait',
  not_now: 'wait',
  agent: 'wait',
  failed: 'bad',
  error: 'bad',
  deny: 'bad',
  block: 'bad',
  'read-only': 'wait',
  audit: 'off',
  'not-applicable': 'off',
  not_applicable: 'off',
  ok: 'good',
  backing_off: 'wait',
  failing: 'bad',
  cached: 'good',
  metadata_only: 'wait',
  not_cached: 'off',
  unavailable: 'off',
  cancelled: 'off',
};

export function StatusBadge({ state, title }: { state: string; title?: string | undefined }) {
  return (
    <span className={`badge badge-${TONES[state] ?? 'off'}`} title={title}>
      {state}
    </span>
  );
}
