/** Seconds as m:ss (or h:mm:ss), the way the player and the results list show times. */
export function formatTime(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A time range as `m:ss–m:ss` (en dash), or one time when both ends are the same second. */
export function formatRange(t0: number, t1: number | undefined): string {
  const a = formatTime(t0);
  const b = formatTime(t1 ?? t0);
  return a === b ? a : `${a}–${b}`;
}
