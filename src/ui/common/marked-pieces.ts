// Marked text as data: a text and the ranges to mark become plain pieces, each marked or not, which a
// component renders as text nodes and <mark> elements. Nothing here is HTML, so a document's own "<b>"
// stays text.

export interface MarkRange {
  start: number;
  end: number;
}

export interface TextPiece {
  text: string;
  marked: boolean;
}

/**
 * Splits `text` at the ranges. Ranges may come unsorted, overlapping, touching or partly outside the text;
 * overlapping and touching ranges merge, and empty or non-numeric ones are dropped.
 */
export function markedPieces(text: string, marks: readonly MarkRange[]): TextPiece[] {
  const ranges = marks
    .filter((m) => Number.isFinite(m.start) && Number.isFinite(m.end))
    .map((m) => ({ start: clamp(m.start, text.length), end: clamp(m.end, text.length) }))
    .filter((m) => m.end > m.start)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: MarkRange[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  const pieces: TextPiece[] = [];
  let at = 0;
  for (const r of merged) {
    if (r.start > at) pieces.push({ text: text.slice(at, r.start), marked: false });
    pieces.push({ text: text.slice(r.start, r.end), marked: true });
    at = r.end;
  }
  if (at < text.length || pieces.length === 0) pieces.push({ text: text.slice(at), marked: false });
  return pieces;
}

function clamp(n: number, length: number): number {
  return Math.min(length, Math.max(0, Math.trunc(n)));
}
