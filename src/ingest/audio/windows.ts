// Fixed-length audio windows for CLAP. CLAP sees 10 s at a time and crops longer input at random
// (rand_trunc), so the audio is cut here, with overlap, and each window keeps its time range.

export interface AudioWindow {
  t0: number;
  t1: number;
  /** The samples of [t0, t1); the last window may be shorter than the window length. */
  samples: Float32Array;
}

export interface WindowOptions {
  windowS?: number;
  hopS?: number;
}

/**
 * Start and end times of the windows covering `durationS` seconds: windowS long, every hopS, the last one
 * ending at the end (shorter, unless the audio is shorter than one window; the model pads it).
 */
export function planAudioWindows(durationS: number, options: WindowOptions = {}): [number, number][] {
  const { windowS = 10, hopS = 5 } = options;
  if (!(windowS > 0 && hopS > 0 && hopS <= windowS)) throw new RangeError('Need 0 < hopS <= windowS');
  if (!(durationS > 0)) return [];
  const windows: [number, number][] = [];
  for (let t0 = 0; ; t0 += hopS) {
    const t1 = Math.min(durationS, t0 + windowS);
    windows.push([round6(t0), round6(t1)]);
    if (t1 >= durationS) break;
  }
  return windows;
}

/** The windows with their samples (views into `pcm`, not copies). */
export function audioWindows(pcm: Float32Array, rate: number, options: WindowOptions = {}): AudioWindow[] {
  return planAudioWindows(pcm.length / rate, options).map(([t0, t1]) => ({
    t0,
    t1,
    samples: pcm.subarray(Math.round(t0 * rate), Math.round(t1 * rate)),
  }));
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
