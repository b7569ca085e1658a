/** Progress of a long job (bulk assignment, catalog refresh): done of total, in words too. */
export function ProgressBar({
  label,
  done,
  total,
}: {
  label: string;
  done: number;
  total: number;
}) {
  const percent = total > 0 ? Math.round((done / total) * 100) : 0;
  return (
    <div className="progress">
      <label>
        {label}: {done} of {total}
        <progress max={total} value={done} aria-valuetext={`${percent}%`} />
      </label>
    </div>
  );
}
