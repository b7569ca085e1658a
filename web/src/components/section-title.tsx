/** A section's heading with a button that loads its content again now. */
export function SectionTitle({
  id,
  title,
  onRefresh,
}: {
  id: string;
  title: string;
  onRefresh?: () => void;
}) {
  return (
    <div className="section-title">
      <h2 id={id}>{title}</h2>
      {onRefresh && (
        <button type="button" className="link-button" onClick={onRefresh}>
          Refresh {title.toLowerCase()}
        </button>
      )}
    </div>
  );
}
