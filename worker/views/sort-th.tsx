/**
 * A header cell of a `table.sortable`: assets/sort-script.ts sorts by the column whose button is
 * clicked, by number when the header says data-type="num" (reading each cell's data-v), else by
 * text. `num` also right-aligns the column; `narrow` hides it on a phone's width.
 */
export function SortTh(p: { label: string; num?: boolean; narrow?: boolean; title?: string }) {
  const cls = [p.num ? "n" : "", p.narrow ? "hide-s" : ""].filter(Boolean).join(" ");
  return (
    <th class={cls || undefined} data-type={p.num ? "num" : undefined}>
      <button type="button" title={p.title}>
        {p.label}
      </button>
    </th>
  );
}
