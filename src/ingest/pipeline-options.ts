// Settings of the ingest pipeline, with the defaults issue 4 asks for.
import type { ChunkOptions } from './chunk-text.ts';
import type { TextOptions } from './text/extract-text.ts';
import type { WindowOptions } from './audio/windows.ts';
import type { VideoOptions } from './video/extract-video.ts';

export interface PipelineOptions {
  /** Video frames: intervalS (default 2), maxFrames (default 600), maxDurationS, windowS. */
  video?: VideoOptions;
  /** CLAP windows: windowS (default 10) every hopS (default 5). */
  audioWindows?: WindowOptions;
  /** Text chunks: about 220 words, at most 300, 50 words of overlap. */
  chunks?: ChunkOptions;
  /** Caps on documents: maxBytes (64 MB), and for PDFs maxPages (2,000) and maxChars (5,000,000). */
  documents?: TextOptions;
  /** Transcribe speech in audio and video with the speech role (default true). */
  transcribe?: boolean;
  /** Longest audio accepted, in seconds (default 4 h). */
  maxAudioDurationS?: number;
  /**
   * Long audio (and video sound tracks) is decoded this many seconds at a time, so memory stays bounded
   * (default 120 s: about 25 MB of 48 kHz PCM).
   */
  audioChunkS?: number;
  /** Audio files up to this size are decoded by the browser in one piece; larger ones by ffmpeg in chunks. */
  maxWholeAudioBytes?: number;
  /**
   * Captions and text of images and video frames, when the encoders have a caption worker (models.json
   * captions.enabled or captions.ocr). `describe` and `ocr` default to those two settings.
   */
  captions?: { describe?: boolean; ocr?: boolean };
}
