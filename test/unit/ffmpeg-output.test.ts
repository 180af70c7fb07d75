import { describe, expect, it } from 'vitest';
import {
  bmpSize,
  describeFailure,
  framesFailure,
  framesOf,
  parseProbe,
  pcmSamples,
  probeOutcome,
  safeExtension,
  scannedSeconds,
  tooLong,
} from '../../src/ingest/video/ffmpeg-output.ts';

const report = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    format: { duration: '12.500000', format_name: 'mov,mp4,m4a,3gp,3g2,mj2' },
    streams: [
      { codec_type: 'video', codec_name: 'h264', width: 1280, height: 720, avg_frame_rate: '30000/1001' },
      { codec_type: 'audio', codec_name: 'aac', sample_rate: '48000', channels: 2 },
    ],
    ...over,
  });

describe('ffprobe reports', () => {
  it('reads the duration, the format and the first video and audio stream', () => {
    const probe = parseProbe(report());
    expect(probe.durationS).toBe(12.5);
    expect(probe.formatName).toBe('mov,mp4,m4a,3gp,3g2,mj2');
    expect(probe.video).toMatchObject({ codec: 'h264', width: 1280, height: 720 });
    expect(probe.video!.frameRate).toBeCloseTo(29.97, 2);
    expect(probe.audio).toEqual({ codec: 'aac', sampleRate: 48000, channels: 2 });
  });

  it('does not take cover art for video, nor a missing length or rate for a number', () => {
    const probe = parseProbe(
      report({
        format: { duration: 'N/A', format_name: 'mp3' },
        streams: [
          {
            codec_type: 'video',
            codec_name: 'mjpeg',
            avg_frame_rate: '0/0',
            disposition: { attached_pic: 1 },
          },
          { codec_type: 'audio', codec_name: 'mp3', sample_rate: '44100', channels: 1 },
        ],
      }),
    );
    expect(probe.durationS).toBeNull();
    expect(probe.video).toBeNull();
    expect(probe.audio?.codec).toBe('mp3');
    const silent = parseProbe(report({ streams: [{ codec_type: 'video', avg_frame_rate: '0/0' }] }));
    expect(silent.video?.frameRate).toBeNull();
  });

  it('lets the report decide, not the exit code', () => {
    expect(probeOutcome(report(), 1, [])).toMatchObject({ ok: true, value: { durationS: 12.5 } });
    const none = probeOutcome(null, 1, ['[mov,mp4] moov atom not found']);
    expect(none).toMatchObject({ ok: false, error: { code: 'truncated' } });
    expect(!none.ok && none.error.message).toMatch(/^Reading the file failed \(ffprobe exit 1\)/);
    expect(probeOutcome('{"streams": []}', 0, []).ok).toBe(false);
    expect(probeOutcome('{not json', 0, []).ok).toBe(false);
    expect(probeOutcome(report({ streams: [] }), 0, [])).toEqual({
      ok: false,
      error: { code: 'corrupt-data', message: 'The file holds no audio or video stream', log: [] },
    });
  });
});

describe('ffmpeg failures', () => {
  it('says why a file failed, from the log', () => {
    const cases: [string, string][] = [
      ['[mov,mp4,m4a] moov atom not found', 'truncated'],
      ['Invalid data found when processing input', 'corrupt-data'],
      ['EBML header parsing failed', 'corrupt-data'],
      ['Decoder (codec av1) not found for input stream #0:0', 'unsupported-codec'],
      ['Conversion failed!', 'decode-failed'],
    ];
    for (const [line, code] of cases) {
      const error = describeFailure('Extracting the audio track failed', ['ffmpeg version 6', line]);
      expect(error.code, line).toBe(code);
      expect(error.message).toMatch(/^Extracting the audio track failed: /);
    }
  });

  it('keeps the last 20 lines of the log that say something, without the build banner', () => {
    const log = [
      '  built with emcc',
      'configuration: --enable-gpl',
      '  libavutil      58. 29.100',
      '',
      ...Array.from({ length: 25 }, (_, i) => `line ${i}`),
    ];
    const lines = describeFailure('x', log).log!;
    expect(lines).toHaveLength(20);
    expect(lines[0]).toBe('line 5');
    expect(lines.at(-1)).toBe('line 24');
  });

  it('tells a file without video from a video that failed', () => {
    const noVideo = framesFailure(["Stream specifier ':v:0' in filtergraph description matches no streams."]);
    expect(noVideo).toMatchObject({ code: 'no-video-stream', message: 'The file has no video stream' });
    expect(framesFailure(['Invalid data found when processing input']).code).toBe('corrupt-data');
  });
});

describe('scan reports', () => {
  it('reads where the last packet ends, once the report has run to its end', () => {
    const progress = [
      'out_time_us=1000000',
      'progress=continue',
      'out_time_us=61520000',
      'out_time=00:01:01.520000',
      'progress=end',
      '',
    ].join('\n');
    expect(scannedSeconds(progress)).toBe(61.52);
    expect(scannedSeconds('out_time_us=1000000\nprogress=continue\n')).toBeNull();
    expect(scannedSeconds('progress=end\n')).toBeNull();
    expect(scannedSeconds('')).toBeNull();
  });
});

describe('extracted frames', () => {
  const files = (prefix: string, n: number, ext: string) =>
    Array.from({ length: n }, (_, i) => `${prefix}_${String(i + 1).padStart(5, '0')}.${ext}`);

  it('times frame k at start + k·interval, none at or past the end of the window', () => {
    const out = framesOf(files('f', 6, 'bmp'), files('t', 6, 'jpg'), {
      startS: 10,
      endS: 19,
      intervalS: 2,
      maxFrames: 600,
    });
    expect(out.map((f) => f.t)).toEqual([10, 12, 14, 16, 18]);
    expect(out[4]).toEqual({ t: 18, frame: 'f_00005.bmp', thumb: 't_00005.jpg' });
  });

  it('never returns more than maxFrames, and a missing last thumbnail borrows the one before', () => {
    const open = (maxFrames: number) => ({ startS: 0, endS: undefined, intervalS: 1, maxFrames });
    const capped = framesOf(files('f', 5, 'bmp'), files('t', 5, 'jpg'), open(3));
    expect(capped.map((f) => f.frame)).toEqual(['f_00001.bmp', 'f_00002.bmp', 'f_00003.bmp']);
    const short = framesOf(files('f', 3, 'bmp'), files('t', 2, 'jpg'), open(10));
    expect(short.map((f) => f.thumb)).toEqual(['t_00001.jpg', 't_00002.jpg', 't_00002.jpg']);
  });
});

describe('extracted audio', () => {
  it('copies whole samples out of an unaligned view and cuts them to the window', () => {
    const samples = Float32Array.from({ length: 12 }, (_, i) => i / 10);
    const backing = new Uint8Array(samples.byteLength + 3);
    backing.set(new Uint8Array(samples.buffer), 1);
    // Unaligned, with two stray bytes at the end (a sample cut short).
    const view = backing.subarray(1, 1 + samples.byteLength + 2);
    expect([...pcmSamples(view, 1000, 1)]).toEqual([...samples]);
    expect([...pcmSamples(view, 2, 4)]).toEqual([...samples.slice(0, 8)]);
  });

  it('refuses a track without a stated duration that filled the whole window', () => {
    const full = { rate: 10, samples: new Float32Array(60) };
    const error = tooLong({ durationS: undefined, spanS: 6 }, full);
    expect(error).toMatchObject({
      code: 'too-long',
      message: 'The audio runs past 0.1 minutes, more than Trove decodes in one piece',
    });
    expect(tooLong({ durationS: 6, spanS: 6 }, full)).toBeNull();
    expect(
      tooLong({ durationS: undefined, spanS: 6 }, { rate: 10, samples: new Float32Array(59) }),
    ).toBeNull();
    expect(tooLong({ durationS: undefined, spanS: 6 }, undefined)).toBeNull();
  });
});

describe('file names and headers', () => {
  it('reads a BMP header, top-down rows included', () => {
    const bytes = new Uint8Array(60);
    const view = new DataView(bytes.buffer, 4);
    view.setInt32(18, 224, true);
    view.setInt32(22, -160, true);
    expect(bmpSize(bytes.subarray(4))).toEqual({ width: 224, height: 160 });
  });

  it('keeps only a plain extension of the input name, lower-cased', () => {
    expect(safeExtension('Holiday.MP4')).toBe('.mp4');
    expect(safeExtension('archive.tar.gz')).toBe('.gz');
    expect(safeExtension('notes.markdown')).toBe('');
    expect(safeExtension('no extension')).toBe('');
    expect(safeExtension('evil.mp4 -i /etc/passwd')).toBe('');
  });
});
