// The ingest pipeline: one function per media kind turns an added item's file into segments, vectors and
// thumbnails (ItemResults); ingestItem opens the stored original, runs the right one, and hands the results
// to the index sync, which writes them in one transaction and adds the vectors to the vector indexes.
//
// Memory stays bounded: video frames are decoded one window of frames at a time and each window is encoded
// and dropped before the next; long audio (and a video's sound track) is decoded a chunk at a time.
import type { EncoderClient } from '../encoders/encoder-client.ts';
import type { WrittenResults, ItemResults } from '../library/library.ts';
import { openOriginal } from '../library/originals.ts';
import type { ItemRecord, Place } from '../library/records.ts';
import { addAudioSegments } from './audio/audio-segments.ts';
import { decodeAudioFile, MAX_WHOLE_AUDIO_BYTES, WHISPER_RATE } from './audio/decode-audio.ts';
import { ffmpegPcm, wholePcm, type PcmSource } from './audio/pcm-chunks.ts';
import { PeakMeter, meterPeaks } from './audio/waveform.ts';
import { waveformThumbnail } from './audio/waveform-image.ts';
import type { MediaFormat } from './detect-type.ts';
import { decodeImage, type DecodedImage } from './image/decode-image.ts';
import type { ImageDecoder } from './image/image-decoder.ts';
import { ResultsBuilder } from './item-results.ts';
import { captionStep } from './caption-segments.ts';
import { pictureForCaption } from './caption-image.ts';
import { MediaDecodeError } from './media-error.ts';
import type { Coordinates } from './places/gazetteer.ts';
import type { PlaceLookup } from './places/place-finder.ts';
import { mediaLength } from './media-length.ts';
import type { PipelineOptions } from './pipeline-options.ts';
import type { IngestStage } from './queue-events.ts';
import { documentReader, type DocumentReader } from './text/document-reader.ts';
import type { FfmpegClient } from './video/ffmpeg-client.ts';
import { planFrames, probeVideo, videoFrames } from './video/extract-video.ts';

export interface PipelineEncoders {
  clip: Pick<EncoderClient, 'embedImages'>;
  clap: Pick<EncoderClient, 'embedAudio'>;
  text: Pick<EncoderClient, 'embedTexts'>;
  speech: Pick<EncoderClient, 'transcribe'>;
  /** Present only when captions or OCR are on (see src/ingest/caption-segments.ts). */
  caption?: Pick<EncoderClient, 'caption' | 'readText' | 'readsText' | 'describes'>;
}

export interface PipelineDeps {
  encoders: PipelineEncoders;
  ffmpeg: FfmpegClient;
  /** Decodes images in a worker; without it they are decoded on the page. */
  images?: Pick<ImageDecoder, 'decode'>;
  /** Reads and chunks documents in a worker; the app's shared document reader when not given. */
  documents?: Pick<DocumentReader, 'chunks'>;
  /** Names the place of files with GPS coordinates (places/place-finder.ts); without it, none is named. */
  places?: PlaceLookup;
  options?: PipelineOptions;
}

export interface RunOptions {
  /** Called as the file moves through its stages, with the fraction done within the stage. */
  onProgress?: (stage: IngestStage, fraction: number) => void;
  signal?: AbortSignal;
}

/** Where the results go: writes them (one transaction) and indexes their vectors. See index-sync.ts. */
export interface ResultsSink {
  writeResults(itemId: string, results: ItemResults): Promise<WrittenResults>;
}

const defaults = {
  transcribe: true,
  maxAudioDurationS: 4 * 3600,
  audioChunkS: 120,
  maxWholeAudioBytes: MAX_WHOLE_AUDIO_BYTES,
};

/** The item's original, ingested by its kind, written and indexed. */
export async function ingestItem(
  item: ItemRecord,
  jobId: string | undefined,
  deps: PipelineDeps & { sink: ResultsSink },
  run: RunOptions = {},
): Promise<WrittenResults> {
  const { onProgress, signal } = run;
  if (!item.source) throw new MediaDecodeError('corrupt-data', 'Trove kept no copy of this file to ingest');
  onProgress?.('reading', 0);
  const file = await openOriginal(item.source);
  signal?.throwIfAborted();
  const results = await produceResults(file, item, deps, run);
  signal?.throwIfAborted();
  onProgress?.('writing', 0);
  const written = await deps.sink.writeResults(item.id, { ...results, completeJobId: jobId });
  onProgress?.('indexing', 1);
  return written;
}

/** Segments, vectors and thumbnails of one file, by its kind. Nothing is written. */
export function produceResults(
  file: File,
  item: ItemRecord,
  deps: PipelineDeps,
  run: RunOptions = {},
): Promise<ItemResults> {
  const format = item.format as MediaFormat;
  switch (item.kind) {
    case 'image':
      return ingestImage(file, item.id, format, deps, run);
    case 'audio':
      return ingestAudio(file, item.id, deps, run);
    case 'video':
      return ingestVideo(file, item.id, deps, run);
    case 'text':
      return ingestText(file, item.id, format, deps, run);
    default:
      throw new MediaDecodeError('corrupt-data', `Trove cannot ingest a file of kind ${item.kind}`);
  }
}

/** One segment (the whole image) in the clip space, with a thumbnail, the capture date and the size. */
export async function ingestImage(
  file: File,
  itemId: string,
  format: MediaFormat,
  deps: PipelineDeps,
  { onProgress, signal }: RunOptions = {},
): Promise<ItemResults> {
  onProgress?.('decoding', 0);
  const decoded = deps.images
    ? await deps.images.decode(file, format, { textTest: readsText(deps) })
    : await decodeImage(file, format);
  let vector: Float32Array | undefined;
  try {
    signal?.throwIfAborted();
    onProgress?.('embedding', 0);
    [vector] = await deps.encoders.clip.embedImages([decoded.forEncoder]);
  } finally {
    if (decoded.forEncoder instanceof ImageBitmap) decoded.forEncoder.close();
  }
  const results = await imageResults(() => Promise.resolve(file), itemId, decoded, vector!, deps, signal);
  onProgress?.('embedding', 1);
  return results;
}

/** Whether text in pictures is read (the caption worker is configured for it, and no option says no). */
export function readsText(deps: PipelineDeps): boolean {
  return (deps.options?.captions?.ocr ?? deps.encoders.caption?.readsText) === true;
}

/**
 * An image's results from its decoded form and its vector: one segment, thumbnail, captions if on (which
 * read the `original` again).
 */
export async function imageResults(
  original: () => Promise<Blob>,
  itemId: string,
  decoded: Pick<DecodedImage, 'thumbnail' | 'capturedAt' | 'width' | 'height' | 'gps'> & {
    mayHaveText?: boolean;
  },
  vector: Float32Array,
  deps: PipelineDeps,
  signal?: AbortSignal,
): Promise<ItemResults> {
  const builder = new ResultsBuilder(itemId);
  builder.add({ kind: 'image' }, 'clip', vector, decoded.thumbnail);
  const captions = captionStep(deps.encoders, { ...deps.options?.captions, signal });
  const mayHaveText = decoded.mayHaveText;
  // A photo that needs no caption and fails the text test is not read again, nor shown to the model.
  if (captions?.wants({ mayHaveText })) {
    await captions.add([{ image: await pictureForCaption(await original()), mayHaveText }]);
    await captions.addTo(builder);
  }
  const place = await placeOf(decoded.gps, deps);
  builder.patchItem({
    capturedAt: decoded.capturedAt,
    ...(place ? { place } : {}),
    media: { width: decoded.width, height: decoded.height },
  });
  return builder.build();
}

/**
 * The place nearest to a file's GPS position. Only a file with a position starts the places worker (and
 * its gazetteer download); a lookup that fails leaves the file without a place rather than failing it.
 */
async function placeOf(gps: Coordinates | undefined, deps: PipelineDeps): Promise<Place | undefined> {
  if (!gps || !deps.places) return undefined;
  try {
    return (await deps.places.placesOf([gps]))[0] ?? undefined;
  } catch (error) {
    console.warn('Trove: the place of a file could not be named', error);
    return undefined;
  }
}

/** CLAP windows and transcript spans. Small files are decoded by the browser, large ones by ffmpeg in chunks. */
export async function ingestAudio(
  file: File,
  itemId: string,
  deps: PipelineDeps,
  run: RunOptions = {},
): Promise<ItemResults> {
  const o = { ...defaults, ...deps.options };
  run.onProgress?.('decoding', 0);
  let source: PcmSource | null = null;
  if (file.size <= o.maxWholeAudioBytes) {
    // The browser's decoder first; what it cannot read goes to ffmpeg chunk by chunk, like a large file.
    try {
      const decoded = await decodeAudioFile(file, { maxDurationS: o.maxAudioDurationS });
      source = wholePcm(decoded.pcm48k, decoded.pcm16k);
    } catch (error) {
      if (error instanceof MediaDecodeError && error.code === 'too-long') throw error;
    }
  }
  source ??= await chunkedTrack(file, deps, null, run.signal);
  return soundOnlyResults(source, itemId, deps, run);
}

/**
 * A frame every intervalS seconds (default 2, capped per video) in the clip space with a thumbnail each,
 * then the sound track as audio windows and transcript spans. A video without sound is fine; a file that
 * turns out to hold no video stream (an .mp4 of audio only) is ingested as audio.
 */
export async function ingestVideo(
  file: File,
  itemId: string,
  deps: PipelineDeps,
  run: RunOptions = {},
): Promise<ItemResults> {
  const { onProgress, signal } = run;
  const videoOptions = deps.options?.video ?? {};
  onProgress?.('decoding', 0);
  let probe;
  try {
    probe = await probeVideo(deps.ffmpeg, file, videoOptions, { signal });
  } catch (error) {
    if (error instanceof MediaDecodeError && error.code === 'no-video-stream') {
      const source = await chunkedTrack(file, deps, null, signal);
      const results = await soundOnlyResults(source, itemId, deps, run);
      return { ...results, item: { ...results.item, kind: 'audio' } };
    }
    throw error;
  }
  const builder = new ResultsBuilder(itemId);
  const place = await placeOf(probe.gps, deps);
  builder.patchItem({
    ...(place ? { place } : {}),
    media: {
      durationS: probe.durationS,
      width: probe.video?.width,
      height: probe.video?.height,
      hasVideo: true,
      hasAudio: probe.audio !== null,
    },
  });
  const planned = planFrames(probe.durationS, videoOptions).count;
  let frames = 0;
  const captions = captionStep(deps.encoders, { ...deps.options?.captions, signal });
  onProgress?.('frames', 0);
  const extracted = videoFrames(deps.ffmpeg, file, probe, videoOptions, { signal }, readsText(deps));
  for await (const batch of extracted) {
    signal?.throwIfAborted();
    const vectors = await deps.encoders.clip.embedImages(batch.map((f) => f.image));
    batch.forEach((frame, i) =>
      builder.add({ kind: 'frame', t0: frame.t, t1: frame.t }, 'clip', vectors[i]!, frame.thumbnail),
    );
    await captions?.add(batch.map((f) => ({ image: f.image, t: f.t, mayHaveText: f.mayHaveText })));
    frames += batch.length;
    onProgress?.('frames', Math.min(1, frames / planned));
  }
  if (frames === 0) throw new MediaDecodeError('corrupt-data', 'No frame of the video could be decoded');
  await captions?.addTo(builder);
  if (probe.audio) {
    const source = await chunkedTrack(file, deps, probe.durationS, signal);
    await soundSegments(source, deps, builder, run);
  }
  return builder.build();
}

/** Chunks of about 220 words with their page and character range, in the text space. */
export async function ingestText(
  file: File,
  itemId: string,
  format: MediaFormat,
  deps: PipelineDeps,
  { onProgress, signal }: RunOptions = {},
): Promise<ItemResults> {
  onProgress?.('decoding', 0);
  const documents = deps.documents ?? documentReader;
  const { chunks, pageCount, notice } = await documents.chunks(file, format, {
    ...deps.options?.documents,
    chunks: deps.options?.chunks,
  });
  signal?.throwIfAborted();
  if (chunks.length === 0) {
    throw new MediaDecodeError(
      'corrupt-data',
      format === 'pdf'
        ? 'The PDF has no text layer (a scanned document needs OCR, which Trove does not do yet)'
        : 'The document has no text',
    );
  }
  const builder = new ResultsBuilder(itemId);
  const batch = 64;
  for (let i = 0; i < chunks.length; i += batch) {
    onProgress?.('embedding', i / chunks.length);
    const part = chunks.slice(i, i + batch);
    const vectors = await deps.encoders.text.embedTexts(
      part.map((c) => c.text),
      'passage',
    );
    part.forEach((c, j) =>
      builder.add(
        {
          kind: 'text-chunk',
          page: c.page,
          charStart: c.start,
          charEnd: c.end,
          text: c.text,
          ...(c.language ? { language: c.language } : {}),
        },
        'text',
        vectors[j]!,
      ),
    );
    signal?.throwIfAborted();
  }
  builder.patchItem({ media: { pageCount }, notice });
  onProgress?.('embedding', 1);
  return builder.build();
}

/** An audio item's results: its windows and transcript spans, and its waveform as the item's thumbnail. */
async function soundOnlyResults(
  source: PcmSource,
  itemId: string,
  deps: PipelineDeps,
  run: RunOptions,
): Promise<ItemResults> {
  const builder = new ResultsBuilder(itemId);
  const meter = new PeakMeter(WHISPER_RATE);
  const durationS = await soundSegments(meterPeaks(source, meter), deps, builder, run);
  builder.addItemThumbnail(waveformThumbnail(meter));
  builder.patchItem({ media: { durationS, hasAudio: true, hasVideo: false } });
  return builder.build();
}

async function soundSegments(
  source: PcmSource,
  deps: PipelineDeps,
  builder: ResultsBuilder,
  run: RunOptions,
): Promise<number> {
  return addAudioSegments(source, deps.encoders, builder, {
    windows: deps.options?.audioWindows,
    transcribe: deps.options?.transcribe ?? defaults.transcribe,
    onProgress: run.onProgress,
    signal: run.signal,
  });
}

/**
 * The file's sound decoded by ffmpeg a chunk at a time. `durationS` is the video probe's; null probes the
 * file as audio (refusing a file with no audio stream, or one over the length limit, stated or measured).
 */
async function chunkedTrack(
  file: File,
  deps: PipelineDeps,
  durationS: number | null,
  signal?: AbortSignal,
): Promise<PcmSource> {
  const o = { ...defaults, ...deps.options };
  const windowS = o.audioWindows?.windowS ?? 10;
  const hopS = o.audioWindows?.hopS ?? 5;
  let length = durationS;
  if (length === null) {
    const probe = await deps.ffmpeg.probe(file, { signal });
    if (!probe.audio) throw new MediaDecodeError('corrupt-data', 'The file holds no audio stream');
    length = await mediaLength(deps.ffmpeg, file, probe, o.maxAudioDurationS, 'audio', { signal });
  }
  // Chunks a whole number of hops long keep every window where planning the whole recording would put it.
  const chunkS = Math.max(hopS, Math.round(o.audioChunkS / hopS) * hopS);
  return ffmpegPcm(deps.ffmpeg, file, length, { chunkS, leadS: windowS, signal });
}
