/** The ▸/▾ button of a table row whose changes can be shown under it. */
export function RowExpander({ expanded }: { expanded: boolean }) {
  return (
    <button
      type="button"
      className="expander"
      aria-expanded={expanded}
      aria-label={expanded ? 'Hide changes' : 'Show changes'}
    >
      {expanded ? '▾' : '▸'}
    </button>
  );
}
