/**
 * A one-line chart for the terminal: each value as one of eight block heights between the lowest
 * and the highest value, so a run of rounds reads at a glance (steady, drifting, one odd round).
 * Pure; whether the terminal can show the blocks is the caller's to know (cli/terminal.ts).
 */

const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/** Values as block characters; null (nothing measured) as a space. All equal: a flat middle line. */
export function sparkline(values: readonly (number | null)[]): string {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length === 0) return '';
  const low = Math.min(...finite);
  const high = Math.max(...finite);
  return values
    .map((v) => {
      if (v === null || !Number.isFinite(v)) return ' ';
      if (high === low) return BLOCKS[3];
      const level = Math.round(((v - low) / (high - low)) * (BLOCKS.length - 1));
      return BLOCKS[level];
    })
    .join('');
}
