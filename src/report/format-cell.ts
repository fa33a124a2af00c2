// Table cells arrive as raw numbers or pre-formatted strings; the Markdown and Slack renderers
// must print the same number the same way, so the rule lives once here.

/**
 * A cell as text: `null` → `—`; integers as they are; other numbers with 4 significant
 * digits at most (large values rounded to an integer, tiny ones in exponent form).
 */
export function formatCell(cell: string | number | null): string {
  if (cell === null) return '—';
  if (typeof cell === 'string') return cell;
  if (!Number.isFinite(cell) || Number.isInteger(cell)) return String(cell);
  const abs = Math.abs(cell);
  if (abs >= 1000) return cell.toFixed(0);
  if (abs < 1e-4) return cell.toExponential(2);
  return String(Number(cell.toPrecision(4)));
}
