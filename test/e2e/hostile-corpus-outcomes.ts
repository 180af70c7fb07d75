// What the library must show for each file of the hostile corpus (test/fixtures/media/bad and hostile,
// made by scripts/fixtures/media): the reason a refused file gives on its card, or, for a file Trove takes,
// what its card says and the text its viewer must show as characters. Every corpus file has an entry here
// and every entry a file (the spec checks both ways), so a new fixture cannot go unasserted.
import { payloads } from '../../scripts/fixtures/media/hostile.ts';

export type Outcome =
  | { refused: RegExp }
  | {
      /** What the card says after "Ready" or in its facts (a length, a page count, a notice). */
      card?: RegExp;
      /** Text the viewer shows, as the characters it is (documents only). */
      shows?: string;
    };

const cutShort = /cut short/;
const overPixels = (w: string, h: string, mp: string) =>
  new RegExp(
    `^The image is ${w} × ${h} pixels \\(${mp} megapixels\\); Trove takes images up to 100 megapixels$`,
  );
const renamed = (name: string, ext: string, is: string) =>
  new RegExp(`^${name} is named \\.${ext} but is ${is}$`);
const empty = (name: string) => new RegExp(`^${name} is empty \\(0 bytes\\)$`);
const svg = (name: string) => new RegExp(`^${name} is an SVG image, which Trove does not support`);
const notMedia = /^Reading the file failed \(ffprobe exit -?\d+\): its data is corrupt or not a media file$/;

export const outcomes: Record<string, Outcome> = {
  // bad/: broken in one named way each.
  'bad/binary.txt': { refused: /^binary\.txt is named \.txt but is not text \(it holds binary data\)$/ },
  'bad/corrupt.pdf': { refused: /^The PDF could not be read: / },
  'bad/corrupt.wav': { refused: notMedia },
  'bad/huge-dimensions.png': { refused: overPixels('20,000', '20,000', '400') },
  'bad/not-a-video.webm': {
    refused: /^not-a-video\.webm is named \.webm but its content is not a video file/,
  },
  'bad/not-an-image.png': { refused: renamed('not-an-image\\.png', 'png', 'text') },
  'bad/truncated.mp4': { refused: cutShort },
  'bad/truncated.png': { refused: /^The image is cut short: the PNG has no IEND chunk$/ },
  'bad/unsupported.xyz': {
    refused: /^unsupported\.xyz is a text file of a type Trove does not index \(\.xyz\)/,
  },
  'bad/zero-bytes.jpg': { refused: empty('zero-bytes\\.jpg') },

  // Finding 1: documents that would run script if they became a document of the app's origin.
  'hostile/scripted.svg': { refused: svg('scripted\\.svg') },
  'hostile/svg-named.png': { refused: svg('svg-named\\.png') },
  'hostile/html-named.jpg': { refused: renamed('html-named\\.jpg', 'jpg', 'HTML') },
  'hostile/scripted-thumbnail.trove': {
    refused: /^scripted-thumbnail\.trove is a Trove library backup: import it in Settings \(Backup\)/,
  },
  'hostile/library.json': {
    refused: /^library\.json is a text file of a type Trove does not index \(\.json\)/,
  },

  // Finding 2: text that made regular expressions backtrack, or a walk recurse, on the page.
  'hostile/br-flood.html': { card: /^1 page$/, shows: 'Zanzibar breaks a' },
  'hostile/pre-spaces.html': { card: /^1 page$/, shows: 'Zanzibar spaces x' },
  'hostile/spaces-before-break.txt': { card: /^1 page$/, shows: payloads.script },
  'hostile/spaces-before-break.pdf': { card: /^1 page$/, shows: 'Zanzibar gap pdf a' },
  'hostile/long-line.txt': { card: /^1 page$/, shows: payloads.img },
  'hostile/long-word.txt': { card: /^1 page$/, shows: 'Zanzibar long word follows.' },
  'hostile/deep-nesting.html': { card: /^1 page$/, shows: "<script>window.__pwned = 'deep'</script>" },
  'hostile/script.md': { card: /^1 page$/, shows: payloads.script },
  'hostile/script.html': { card: /^1 page$/, shows: "<script>window.__pwned = 'entity'</script>" },
  'hostile/payloads.txt': { card: /^1 page$/, shows: payloads.img },
  'hostile/javascript.pdf': { card: /^1 page$/, shows: payloads.script },

  // Finding 3: headers that claim more pixels than Trove decodes.
  'hostile/huge.gif': { refused: overPixels('65,535', '65,535', '4,295') },
  'hostile/huge-canvas.webp': { refused: overPixels('16,383', '16,383', '268') },
  'hostile/huge-lossless.webp': { refused: overPixels('16,383', '16,383', '268') },
  'hostile/huge.jpg': { refused: overPixels('60,000', '60,000', '3,600') },
  'hostile/huge.avif': { refused: overPixels('40,000', '40,000', '1,600') },
  'hostile/png-bomb.png': { refused: overPixels('12,000', '12,000', '144') },
  'hostile/wide-strip.png': {
    refused: /^The image is 40,000 × 4 pixels; Trove takes images up to 32,767 pixels on a side$/,
  },
  'hostile/zero-size.png': { refused: /could not read the image's size.*the PNG header says 0×0$/ },

  // Finding 4: lengths a file does not state, or states falsely: the card shows the length measured.
  'hostile/no-duration.webm': { card: /^0:06$/ },
  'hostile/no-duration-audio.webm': { card: /^0:06$/ },
  'hostile/streamed-length.wav': { card: /^0:02$/ },
  'hostile/lying-length.wav': { card: /^0:02$/ },
  'hostile/truncated.wav': { card: /^0:01$/ },
  'hostile/truncated.mp3': { card: /^0:01$/ },

  // Finding 5: more pages than Trove reads, or a page count that lies.
  'hostile/many-pages.pdf': { card: /^30 pages$/, shows: 'Ledger page 1.' },
  'hostile/over-page-cap.pdf': {
    card: /^2000 pages Ready\. Only the first 2,000 of 2,050 pages were indexed: the limit for one PDF$/,
  },
  'hostile/lying-page-count.pdf': { card: /^2 pages$/, shows: 'Zanzibar count page one.' },

  // Names that lie about the content, and files cut short or garbled.
  'hostile/silent-video-named.wav': { refused: /^The file holds no audio stream$/ },
  'hostile/wav-named.mp4': { refused: renamed('wav-named\\.mp4', 'mp4', 'a WAV audio file') },
  'hostile/png-named.mp3': { refused: renamed('png-named\\.mp3', 'mp3', 'a PNG image') },
  'hostile/pdf-named.jpg': { refused: renamed('pdf-named\\.jpg', 'jpg', 'a PDF document') },
  'hostile/text-named.webm': { refused: renamed('text-named\\.webm', 'webm', 'text') },
  'hostile/truncated.webm': { refused: /^Extracting video frames failed: ffmpeg could not decode it$/ },
  'hostile/garbled.mp3': { refused: notMedia },
  'hostile/garbled.ogg': { refused: notMedia },
  'hostile/header-only.mp4': { refused: /^The file holds no audio or video stream$/ },
  'hostile/zero-bytes.wav': { refused: empty('zero-bytes\\.wav') },
  'hostile/zero-bytes.mp4': { refused: empty('zero-bytes\\.mp4') },
  'hostile/zero-bytes.pdf': { refused: empty('zero-bytes\\.pdf') },
  'hostile/zero-bytes.txt': { refused: empty('zero-bytes\\.txt') },

  // Encodings and names.
  'hostile/windows-1252.txt': { card: /^1 page$/, shows: 'Zanzibar café menú, naïve résumé “quoted”' },
  'hostile/utf16.txt': { card: /^1 page$/, shows: `Zanzibar utf-16 note ${payloads.img}` },
  'hostile/nul-name.txt': { card: /^1 page$/, shows: payloads.svg },
  'hostile/long-name.md': { card: /^1 page$/, shows: payloads.link },
  'hostile/markup-name.png': { card: /^8×8$/ },
};
