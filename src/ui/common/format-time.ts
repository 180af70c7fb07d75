// Times as the results list, the players and the accessible names say them: m:ss, or h:mm:ss past an hour.
// Floored, not rounded, so a moment at 1.9 s reads 0:01 — the second the player will actually show.

export function formatTime(seconds: number): string {
  const total = Number.isFinite(seconds) ? Math.max(0, Math.floor(seconds)) : 0;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** `m:ss–m:ss` (en dash), or one time when both ends fall in the same second. */
export function formatTimeRange(t0: number, t1?: number): string {
  const a = formatTime(t0);
  const b = formatTime(t1 ?? t0);
  return a === b ? a : `${a}–${b}`;
}

/** A duration for status lines ("about 2 min left"): seconds under a minute, minutes under an hour. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 1) return 'under a second';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  const h = Math.floor(seconds / 3600);
  const m = Math.round((seconds % 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}
