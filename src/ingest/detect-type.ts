// Type detection by content. A file's name only hints (it tells .md from .txt, .m4a from .mp4); what the
// bytes say decides, so a renamed file gets a clear error instead of a decoder's cryptic one.

export type MediaKind = 'image' | 'audio' | 'video' | 'text';

export type MediaFormat =
  | 'jpeg'
  | 'png'
  | 'webp'
  | 'gif'
  | 'avif'
  | 'wav'
  | 'mp3'
  | 'aac'
  | 'ogg'
  | 'flac'
  | 'm4a'
  | 'mp4'
  | 'mov'
  | 'webm'
  | 'mkv'
  | 'pdf'
  | 'plain'
  | 'markdown'
  | 'html';

export interface FileType {
  kind: MediaKind;
  format: MediaFormat;
  mime: string;
}

export type DetectionErrorCode =
  'empty-file' | 'unsupported-type' | 'wrong-content-for-extension' | 'binary-as-text' | 'corrupt-data';

export type Detection =
  | { ok: true; type: FileType }
  | {
      ok: false;
      code: DetectionErrorCode;
      message: string;
      /** What the bytes are, when known. */ found?: string;
    };

/** How many leading bytes detection needs: enough for container headers and a fair sample of text. */
export const SNIFF_BYTES = 4096;

const types: Record<MediaFormat, FileType> = {
  jpeg: { kind: 'image', format: 'jpeg', mime: 'image/jpeg' },
  png: { kind: 'image', format: 'png', mime: 'image/png' },
  webp: { kind: 'image', format: 'webp', mime: 'image/webp' },
  gif: { kind: 'image', format: 'gif', mime: 'image/gif' },
  avif: { kind: 'image', format: 'avif', mime: 'image/avif' },
  wav: { kind: 'audio', format: 'wav', mime: 'audio/wav' },
  mp3: { kind: 'audio', format: 'mp3', mime: 'audio/mpeg' },
  aac: { kind: 'audio', format: 'aac', mime: 'audio/aac' },
  ogg: { kind: 'audio', format: 'ogg', mime: 'audio/ogg' },
  flac: { kind: 'audio', format: 'flac', mime: 'audio/flac' },
  m4a: { kind: 'audio', format: 'm4a', mime: 'audio/mp4' },
  mp4: { kind: 'video', format: 'mp4', mime: 'video/mp4' },
  mov: { kind: 'video', format: 'mov', mime: 'video/quicktime' },
  webm: { kind: 'video', format: 'webm', mime: 'video/webm' },
  mkv: { kind: 'video', format: 'mkv', mime: 'video/x-matroska' },
  pdf: { kind: 'text', format: 'pdf', mime: 'application/pdf' },
  plain: { kind: 'text', format: 'plain', mime: 'text/plain' },
  markdown: { kind: 'text', format: 'markdown', mime: 'text/markdown' },
  html: { kind: 'text', format: 'html', mime: 'text/html' },
};

/** Extensions Trove expects for each kind; used to catch renamed files and to pick among text formats. */
const extensionsOf: Record<MediaKind, string[]> = {
  image: ['jpg', 'jpeg', 'jfif', 'png', 'webp', 'gif', 'avif'],
  audio: ['wav', 'wave', 'mp3', 'aac', 'ogg', 'oga', 'opus', 'flac', 'm4a', 'm4b', 'weba', 'mka'],
  video: ['mp4', 'm4v', 'mov', 'qt', 'webm', 'mkv'],
  text: ['pdf', 'txt', 'text', 'md', 'markdown', 'html', 'htm', 'xhtml'],
};
const extensionKinds: Record<string, MediaKind> = Object.fromEntries(
  (Object.entries(extensionsOf) as [MediaKind, string[]][]).flatMap(([kind, exts]) =>
    exts.map((ext) => [ext, kind]),
  ),
);

/** Formats that are recognised but not supported, so the "unsupported" entry can say what the file is. */
const knownUnsupported: { test: (b: Uint8Array) => boolean; name: string }[] = [
  { test: (b) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]), name: 'a ZIP archive (or an Office document)' },
  { test: (b) => startsWith(b, [0x1f, 0x8b]), name: 'a gzip archive' },
  { test: (b) => startsWith(b, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]), name: 'a 7z archive' },
  { test: (b) => ascii(b, 0, 4) === 'Rar!', name: 'a RAR archive' },
  { test: (b) => ascii(b, 0, 4) === '\x7fELF', name: 'a program (ELF)' },
  { test: (b) => ascii(b, 0, 2) === 'MZ', name: 'a Windows program' },
  { test: (b) => ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*', name: 'a TIFF image' },
  { test: (b) => ascii(b, 0, 2) === 'BM' && b.length > 14, name: 'a BMP image' },
  { test: (b) => riffType(b) === 'AVI ', name: 'an AVI video' },
  {
    test: (b) => ['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1'].includes(ftypBrand(b) ?? ''),
    name: 'a HEIC/HEIF image',
  },
  { test: (b) => ascii(b, 0, 4) === 'FORM', name: 'an AIFF audio file' },
];

/** The lower-case extension of a file name, without the dot; '' when it has none. */
export function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** Identifies a file from its first bytes (at least SNIFF_BYTES when the file is that long) and its name. */
export function detectType(head: Uint8Array, name: string, size = head.length): Detection {
  const ext = extensionOf(name);
  if (size === 0) return { ok: false, code: 'empty-file', message: `${name} is empty (0 bytes)` };

  // A backup added as if it were media: point to where it goes instead of calling it unknown.
  if (isTroveBackup(head)) {
    return {
      ok: false,
      code: 'unsupported-type',
      message: `${name} is a Trove library backup: import it in Settings (Backup) instead of adding it`,
      found: 'a Trove library backup',
    };
  }

  const sniffed = sniffBinary(head);
  if (sniffed) return checkExtension(sniffed, name, ext);

  const unsupported = knownUnsupported.find((u) => u.test(head));
  if (unsupported) {
    return {
      ok: false,
      code: 'unsupported-type',
      message: `${name} is ${unsupported.name}, which Trove does not support`,
      found: unsupported.name,
    };
  }

  if (!looksLikeText(head)) {
    if (extensionKinds[ext] === 'text') {
      return {
        ok: false,
        code: 'binary-as-text',
        message: `${name} is named .${ext} but is not text (it holds binary data)`,
        found: 'binary data',
      };
    }
    if (extensionKinds[ext]) {
      // Binary data that matches no known signature, under a media name: most likely a damaged file.
      return {
        ok: false,
        code: 'corrupt-data',
        message: `${name} is named .${ext} but its content is not ${article(extensionKinds[ext])} file Trove can read (corrupt or unrecognised data)`,
        found: 'binary data',
      };
    }
    return {
      ok: false,
      code: 'unsupported-type',
      message: `${name} is not a file type Trove supports`,
      found: 'binary data',
    };
  }

  // An SVG is a document that can hold script, whatever its name says: Trove takes raster images only.
  if (isSvg(head)) {
    return {
      ok: false,
      code: 'unsupported-type',
      message: `${name} is an SVG image, which Trove does not support (it takes JPEG, PNG, WebP, GIF and AVIF)`,
      found: 'an SVG image',
    };
  }

  const textType = sniffText(head, ext);
  if (textType) return checkExtension(textType, name, ext);
  if (extensionKinds[ext]) {
    return {
      ok: false,
      code: 'wrong-content-for-extension',
      message: `${name} is named .${ext} but is text`,
      found: 'text',
    };
  }
  return {
    ok: false,
    code: 'unsupported-type',
    message: `${name} is a text file of a type Trove does not index (.${ext}); supported text files are .txt, .md, .html and .pdf`,
    found: 'text',
  };
}

/** Reads the head of a File or Blob and detects its type. */
export async function detectFileType(file: Blob, name = (file as File).name ?? ''): Promise<Detection> {
  const head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
  return detectType(head, name, file.size);
}

/**
 * A mismatch inside one kind (a JPEG named .png, an M4A named .mp4) is harmless, since decoders go by
 * content. A mismatch across kinds (text named .png) means the name lies about what the file is.
 */
function checkExtension(type: FileType, name: string, ext: string): Detection {
  const expected = extensionKinds[ext];
  if (!expected || expected === type.kind) return { ok: true, type };
  // A container that can hold video, named as audio (.m4a, .weba, .mka), is an audio file.
  if (expected === 'audio' && type.kind === 'video') return { ok: true, type: asAudio(type) };
  return {
    ok: false,
    code: 'wrong-content-for-extension',
    message: `${name} is named .${ext} but is ${describe(type)}`,
    found: describe(type),
  };
}

function asAudio(type: FileType): FileType {
  if (type.format === 'mp4' || type.format === 'mov') return types.m4a;
  return { kind: 'audio', format: type.format, mime: type.mime.replace('video/', 'audio/') };
}

/** "a PNG image", "an MP4 video", "a WAV audio file": what the bytes are, for a sentence. */
function describe(type: FileType): string {
  if (type.kind === 'text')
    return type.format === 'pdf' ? 'a PDF document' : type.format === 'html' ? 'HTML' : 'text';
  const format = type.format.toUpperCase();
  // Said letter by letter, these begin with a vowel sound ("an MP3", "an AVIF").
  const an = /^(AVIF|AAC|OGG|MP3|MP4|M4A|MKV)$/.test(format);
  return `${an ? 'an' : 'a'} ${format} ${type.kind === 'audio' ? 'audio file' : type.kind}`;
}

function article(kind: MediaKind): string {
  return kind === 'image' || kind === 'audio' ? `an ${kind}` : `a ${kind}`;
}

function sniffBinary(b: Uint8Array): FileType | null {
  // A UTF-16 byte-order mark also reads as an MPEG Layer I sync word; text is by far the likelier.
  if (startsWith(b, [0xff, 0xfe]) || startsWith(b, [0xfe, 0xff])) return null;
  if (startsWith(b, [0xff, 0xd8, 0xff])) return types.jpeg;
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return types.png;
  if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') return types.gif;
  const riff = riffType(b);
  if (riff === 'WEBP') return types.webp;
  if (riff === 'WAVE') return types.wav;
  if (ascii(b, 0, 4) === 'RF64' && ascii(b, 8, 4) === 'WAVE') return types.wav;
  if (ascii(b, 0, 4) === 'fLaC') return types.flac;
  if (ascii(b, 0, 4) === 'OggS') return types.ogg;
  if (ascii(b, 0, 3) === 'ID3') return types.mp3;
  if (isMpegAudioFrame(b, 0)) return types.mp3;
  if (isAdtsFrame(b, 0)) return types.aac;
  if (ascii(b, 0, 5) === '%PDF-' || findAscii(b, '%PDF-', 1024) >= 0) return types.pdf;

  const brand = ftypBrand(b);
  if (brand !== null) {
    if (brand === 'avif' || brand === 'avis' || hasCompatibleBrand(b, 'avif')) return types.avif;
    if (['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)) return null;
    if (brand === 'M4A ' || brand === 'M4B ' || brand === 'M4P ') return types.m4a;
    if (brand === 'qt  ') return types.mov;
    // The generic ISO brands say nothing about the streams; checkExtension lets the name decide.
    return types.mp4;
  }
  // Old QuickTime files start with a bare atom instead of ftyp.
  if (['moov', 'mdat', 'wide', 'free', 'skip', 'pnot'].includes(ascii(b, 4, 4)) && b.length >= 8)
    return types.mov;

  if (startsWith(b, [0x1a, 0x45, 0xdf, 0xa3])) {
    // EBML: the DocType element near the start names WebM or Matroska.
    return findAscii(b, 'webm', 64) >= 0 ? types.webm : types.mkv;
  }
  return null;
}

/** The signature of Trove's own backup files (MAGIC in src/backup/format.ts): 0x89 "TROVE" CR LF ^Z LF. */
function isTroveBackup(b: Uint8Array): boolean {
  return startsWith(b, [0x89, 0x54, 0x52, 0x4f, 0x56, 0x45, 0x0d, 0x0a, 0x1a, 0x0a]);
}

/**
 * Text whose root element is <svg>, after an optional byte-order mark, XML declaration, comments and
 * doctype. Scanned by hand: a regular expression with a repeated comment group backtracks exponentially.
 */
function isSvg(b: Uint8Array): boolean {
  const text = new TextDecoder('utf-8').decode(b.subarray(0, 1024)).toLowerCase();
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    const skipTo = (end: string) => {
      const at = text.indexOf(end, i);
      return at < 0 ? -1 : at + end.length;
    };
    if (text.startsWith('<?', i)) i = skipTo('?>');
    else if (text.startsWith('<!--', i)) i = skipTo('-->');
    else if (text.startsWith('<!doctype svg', i)) i = skipTo('>');
    else return text.startsWith('<svg', i) && /[\s>/]/.test(text[i + 4] ?? '');
    if (i < 0) return false;
  }
}

function sniffText(b: Uint8Array, ext: string): FileType | null {
  const start = new TextDecoder('utf-8').decode(b.subarray(0, 512)).trimStart().toLowerCase();
  if (/^<!doctype html|^<html[\s>]|^<head[\s>]|^<body[\s>]/.test(start)) return types.html;
  if (ext === 'html' || ext === 'htm' || ext === 'xhtml') return types.html;
  if (ext === 'md' || ext === 'markdown') return types.markdown;
  if (ext === 'txt' || ext === 'text' || ext === '') return types.plain;
  return null;
}

/**
 * Text is valid UTF-8 (or a UTF-16 file with its BOM), or a legacy 8-bit encoding: in every case there
 * are no NUL bytes and almost no control characters other than tab, newline, carriage return and form feed.
 */
export function looksLikeText(b: Uint8Array): boolean {
  if (startsWith(b, [0xff, 0xfe]) || startsWith(b, [0xfe, 0xff])) return true;
  let controls = 0;
  for (const byte of b) {
    if (byte === 0) return false;
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c && byte !== 0x1b)
      controls++;
  }
  if (controls > b.length * 0.01) return false;
  try {
    // stream: true tolerates a multi-byte character cut off at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(b, { stream: true });
    return true;
  } catch {
    // Not UTF-8: accept a legacy 8-bit text only when most bytes are printable ASCII.
    let ascii = 0;
    for (const byte of b) if (byte >= 0x20 && byte < 0x7f) ascii++;
    return ascii > b.length * 0.9;
  }
}

function isMpegAudioFrame(b: Uint8Array, i: number): boolean {
  if (b.length < i + 4 || b[i] !== 0xff) return false;
  const b1 = b[i + 1]!;
  const b2 = b[i + 2]!;
  const layer = (b1 >> 1) & 0x3;
  const version = (b1 >> 3) & 0x3;
  const bitrate = b2 >> 4;
  const rate = (b2 >> 2) & 0x3;
  return (
    (b1 & 0xe0) === 0xe0 && layer !== 0 && version !== 1 && bitrate !== 0xf && bitrate !== 0 && rate !== 3
  );
}

function isAdtsFrame(b: Uint8Array, i: number): boolean {
  if (b.length < i + 7 || b[i] !== 0xff) return false;
  const b1 = b[i + 1]!;
  // Sync word 0xFFF, layer 00; the sampling-frequency index must be a valid one.
  return (b1 & 0xf6) === 0xf0 && ((b[i + 2]! >> 2) & 0xf) < 13;
}

function riffType(b: Uint8Array): string | null {
  return ascii(b, 0, 4) === 'RIFF' && b.length >= 12 ? ascii(b, 8, 4) : null;
}

function ftypBrand(b: Uint8Array): string | null {
  return b.length >= 12 && ascii(b, 4, 4) === 'ftyp' ? ascii(b, 8, 4) : null;
}

function hasCompatibleBrand(b: Uint8Array, brand: string): boolean {
  const boxSize = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  const end = Math.min(boxSize, b.length);
  for (let i = 16; i + 4 <= end; i += 4) if (ascii(b, i, 4) === brand) return true;
  return false;
}

function startsWith(b: Uint8Array, prefix: number[]): boolean {
  return b.length >= prefix.length && prefix.every((v, i) => b[i] === v);
}

function ascii(b: Uint8Array, offset: number, length: number): string {
  let s = '';
  for (let i = offset; i < offset + length && i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

function findAscii(b: Uint8Array, needle: string, within: number): number {
  const end = Math.min(b.length, within) - needle.length;
  outer: for (let i = 0; i <= end; i++) {
    for (let j = 0; j < needle.length; j++) if (b[i + j] !== needle.charCodeAt(j)) continue outer;
    return i;
  }
  return -1;
}
