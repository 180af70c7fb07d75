import { describe, expect, it } from 'vitest';
import {
  audioArgs,
  audioWindow,
  frameArgs,
  frameFilter,
  frameWindow,
  probeArgs,
  scanArgs,
} from '../../src/ingest/video/ffmpeg-args.ts';
import { MAX_AUDIO_REQUEST_S, MAX_FRAMES_PER_REQUEST } from '../../src/ingest/video/ffmpeg-protocol.ts';

/** Every value given to `flag`, in order. */
function values(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag ? [args[i + 1]!] : []));
}

describe('probe and scan command lines', () => {
  it('asks ffprobe for format and streams as JSON in a file', () => {
    const args = probeArgs('/in/input.mp4', '/out/probe.json');
    expect(values(args, '-of')).toEqual(['json']);
    expect(values(args, '-o')).toEqual(['/out/probe.json']);
    expect(args).toContain('-show_format');
    expect(args).toContain('-show_streams');
    expect(args.at(-1)).toBe('/in/input.mp4');
  });

  it('scans packets a second past the limit, decoding nothing, with a progress report', () => {
    const args = scanArgs('/in/input.webm', 600, '/out/progress.txt');
    expect(values(args, '-t')).toEqual(['601']);
    expect(values(args, '-c')).toEqual(['copy']);
    expect(values(args, '-map')).toEqual(['0:v:0?', '0:a:0?']);
    expect(values(args, '-progress')).toEqual(['/out/progress.txt']);
    expect(args.indexOf('-t')).toBeLessThan(args.indexOf('-i'));
    expect(() => scanArgs('/in/x', 0, '/out/p')).toThrow(RangeError);
  });
});

describe('frame windows', () => {
  it('fills in the defaults; a window without an end is as long as the frame cap allows', () => {
    expect(frameWindow({ intervalS: 2 })).toEqual({
      intervalS: 2,
      startS: 0,
      endS: undefined,
      spanS: MAX_FRAMES_PER_REQUEST * 2,
      maxFrames: MAX_FRAMES_PER_REQUEST,
      size: 224,
      thumbSize: 160,
      thumbQuality: 5,
      frameRate: undefined,
    });
  });

  it('counts the frames that fall inside the window, before its end', () => {
    expect(frameWindow({ intervalS: 2, startS: 0, endS: 10 })).toMatchObject({ maxFrames: 5, spanS: 10 });
    expect(frameWindow({ intervalS: 3, startS: 10, endS: 20 })).toMatchObject({ maxFrames: 4, spanS: 10 });
    expect(frameWindow({ intervalS: 2, startS: 0, endS: 0.5 })).toMatchObject({ maxFrames: 1 });
    expect(frameWindow({ intervalS: 2, endS: 10, maxFrames: 3 })).toMatchObject({ maxFrames: 3, spanS: 10 });
    expect(frameWindow({ intervalS: 1, maxFrames: 7 })).toMatchObject({ maxFrames: 7, spanS: 7 });
    expect(frameWindow({ intervalS: 1, endS: 1e6 }).maxFrames).toBe(MAX_FRAMES_PER_REQUEST);
  });

  it('refuses a window that cannot hold a frame', () => {
    expect(() => frameWindow({ intervalS: 0 })).toThrow(RangeError);
    expect(() => frameWindow({ intervalS: 2, startS: 5, endS: 5 })).toThrow(RangeError);
  });
});

describe('frame extraction command line', () => {
  it('takes the frame nearest each interval, moving timestamps back by half a frame period', () => {
    expect(frameFilter({ intervalS: 2, size: 224, thumbSize: 160, frameRate: 30 })).toContain(
      `setpts=PTS-${(0.5 / 30).toFixed(6)}/TB,fps=1/2:start_time=0:round=up`,
    );
    // An unknown rate is taken as 60 fps: half a period of the fastest common video.
    const unknown = frameFilter({ intervalS: 2, size: 224, thumbSize: 160, frameRate: null });
    expect(unknown).toContain(`setpts=PTS-${(0.5 / 60).toFixed(6)}/TB`);
  });

  it('scales the encoder frame by its short side and the thumbnail by its long side', () => {
    const filter = frameFilter({ intervalS: 5, size: 336, thumbSize: 200, frameRate: 25 });
    expect(filter).toMatch(/\[f\]scale=336:336:force_original_aspect_ratio=increase[^;]*\[fo\]/);
    expect(filter).toMatch(/\[t\]scale=200:200:force_original_aspect_ratio=decrease[^;]*\[to\]$/);
  });

  it('bounds the read by time and each output by frame count', () => {
    const window = frameWindow({ intervalS: 2, startS: 30, endS: 40, thumbQuality: 7 });
    const args = frameArgs('/in/input.mp4', '/out', window);
    expect(values(args, '-ss')).toEqual(['30']);
    expect(values(args, '-t')).toEqual(['10']);
    expect(args.indexOf('-ss')).toBeLessThan(args.indexOf('-i'));
    expect(values(args, '-i')).toEqual(['/in/input.mp4']);
    expect(values(args, '-filter_complex')).toEqual([frameFilter(window)]);
    expect(values(args, '-map')).toEqual(['[fo]', '[to]']);
    expect(values(args, '-frames:v')).toEqual(['5', '5']);
    expect(values(args, '-c:v')).toEqual(['bmp', 'mjpeg']);
    expect(values(args, '-q:v')).toEqual(['7']);
    expect(args.filter((a) => a.startsWith('/out/'))).toEqual(['/out/f_%05d.bmp', '/out/t_%05d.jpg']);
  });

  it('seeks only when the window starts after 0', () => {
    expect(frameArgs('/in/x', '/out', frameWindow({ intervalS: 2, endS: 10 }))).not.toContain('-ss');
  });
});

describe('audio command line', () => {
  it('decodes at most the request cap, and refuses rates and durations out of range', () => {
    expect(audioWindow({ rates: [16000] })).toEqual({
      rates: [16000],
      startS: 0,
      durationS: undefined,
      spanS: MAX_AUDIO_REQUEST_S,
    });
    expect(audioWindow({ rates: [48000], startS: 60, durationS: 130 }).spanS).toBe(130);
    expect(() => audioWindow({ rates: [] })).toThrow(RangeError);
    expect(() => audioWindow({ rates: [500] })).toThrow(RangeError);
    expect(() => audioWindow({ rates: [16000], durationS: 0 })).toThrow(RangeError);
    expect(() => audioWindow({ rates: [16000], durationS: MAX_AUDIO_REQUEST_S + 1 })).toThrow(RangeError);
  });

  it('decodes once into one mono float32 output per rate, each capped in bytes', () => {
    const args = audioArgs('/in/input.wav', '/out', audioWindow({ rates: [48000, 16000], durationS: 10 }));
    expect(values(args, '-t')).toEqual(['10']);
    expect(values(args, '-i')).toEqual(['/in/input.wav']);
    expect(values(args, '-ar')).toEqual(['48000', '16000']);
    expect(values(args, '-ac')).toEqual(['1', '1']);
    expect(values(args, '-c:a')).toEqual(['pcm_f32le', 'pcm_f32le']);
    // A second more than the window, 4 bytes a sample.
    expect(values(args, '-fs')).toEqual([String(11 * 48000 * 4), String(11 * 16000 * 4)]);
    expect(args.filter((a) => a.startsWith('/out/'))).toEqual(['/out/a_0.pcm', '/out/a_1.pcm']);
    expect(args).not.toContain('-ss');
    expect(args).toContain('-vn');
  });

  it('reads a second past the cap when no duration is given, to tell a longer track', () => {
    const args = audioArgs('/in/x', '/out', audioWindow({ rates: [16000], startS: 5 }));
    expect(values(args, '-ss')).toEqual(['5']);
    expect(values(args, '-t')).toEqual([String(MAX_AUDIO_REQUEST_S + 1)]);
  });
});
