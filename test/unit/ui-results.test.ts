import { describe, expect, it } from 'vitest';
import { resultLabel, resultWhere } from '../../src/ui/search/result-label.ts';
import { nextIndex } from '../../src/ui/common/list-navigation.ts';

const result = (
  name: string,
  modality: string,
  range: Parameters<typeof resultWhere>[0],
  kind = 'image',
) => ({
  item: { name },
  modality,
  best: { range, segment: { kind } },
});

describe('result labels', () => {
  it('name the file, and for time-based media the moment as m:ss', () => {
    expect(resultLabel(result('red-square.png', 'image', { kind: 'whole' }))).toBe('red-square.png, image');
    expect(resultLabel(result('timeline.mp4', 'video', { kind: 'time', t0: 0, t1: 0 }, 'frame'))).toBe(
      'timeline.mp4, video at 0:00',
    );
    expect(resultLabel(result('low-hum.wav', 'audio', { kind: 'time', t0: 2, t1: 4 }, 'audio-window'))).toBe(
      'low-hum.wav, audio at 0:02–0:04',
    );
    expect(resultLabel(result('podcast.wav', 'audio', { kind: 'time', t0: 75, t1: 79 }, 'transcript'))).toBe(
      'podcast.wav, audio, spoken at 1:15–1:19',
    );
  });
  it('say when a result is a weak match, after the file name and the moment', () => {
    const weak = { ...result('timeline.mp4', 'video', { kind: 'time', t0: 4, t1: 4 }, 'frame'), weak: true };
    expect(resultLabel(weak)).toBe('timeline.mp4, video at 0:04, weak match');
  });
  it('name the page of a document passage', () => {
    expect(
      resultLabel(
        result('bread.pdf', 'text', { kind: 'text', page: 2, charStart: 0, charEnd: 9 }, 'text-chunk'),
      ),
    ).toBe('bread.pdf, text, page 2');
    expect(resultWhere({ kind: 'text', charStart: 0, charEnd: 9 })).toBeNull();
    // A one-page document has no page to speak of.
    expect(resultWhere({ kind: 'text', page: 1, charStart: 0, charEnd: 9 }, 1)).toBeNull();
    expect(resultWhere({ kind: 'text', page: 1, charStart: 0, charEnd: 9 }, 2)).toBe('page 1');
  });
});

describe('nextIndex', () => {
  it('moves through a list and stops at its ends', () => {
    expect(nextIndex(-1, 'ArrowDown', 3)).toBe(0);
    expect(nextIndex(0, 'ArrowDown', 3)).toBe(1);
    expect(nextIndex(2, 'ArrowDown', 3)).toBe(2);
    expect(nextIndex(2, 'ArrowUp', 3)).toBe(1);
    expect(nextIndex(0, 'ArrowUp', 3)).toBe(0);
    expect(nextIndex(1, 'Home', 3)).toBe(0);
    expect(nextIndex(0, 'End', 3)).toBe(2);
  });
  it('ignores other keys and empty lists', () => {
    expect(nextIndex(0, 'a', 3)).toBeNull();
    expect(nextIndex(0, 'ArrowDown', 0)).toBeNull();
  });
});
