// What a search asks for: text, an image, an audio clip, or a mix of them with weights, and filters.
import type { ItemRecord } from '../library/records.ts';

/** An item's medium, as the modality filter and each result name it. */
export type Modality = 'image' | 'video' | 'audio' | 'text';

export interface DateRange {
  /** Inclusive bounds in ms since the epoch; either may be left open. */
  from?: number;
  to?: number;
  /**
   * Which date counts: the capture date (EXIF or container), the file's date (lastModified), or the capture
   * date where there is one and else the file's date (default).
   */
  by?: 'captured' | 'file' | 'captured-or-file';
}

export interface SearchFilters {
  /** Only items of these media (an empty list or none means all). */
  modalities?: Modality[];
  date?: DateRange;
  /** Only items of one imported folder, optionally under a sub-path of it ('' is the folder's top level). */
  folder?: { folderId?: string; path?: string };
  /**
   * Only items in a folder of one of these names, compared without case: a directory on the item's path
   * (a dropped folder, or one inside an imported folder), or the imported folder itself, whose ids the
   * caller finds by name (`importedIds`: the catalog does not know folder names).
   */
  folderNamed?: { names: string[]; importedIds?: string[] };
  /** Never these items ("More like this" leaves out the item it starts from). */
  exceptItems?: string[];
  /** Only items taken in a place of one of these names (city, region or country), compared without case. */
  place?: { names: string[] };
}

/** Whether any filter is set, so a search must ask the catalog which segments pass. */
export function hasFilters(f: SearchFilters | undefined): boolean {
  return (
    !!f &&
    (!!f.modalities?.length ||
      !!f.date ||
      !!f.folder ||
      !!f.folderNamed?.names.length ||
      !!f.place?.names.length ||
      !!f.exceptItems?.length)
  );
}

export interface ImageAttachment {
  blob: Blob;
  /**
   * The image's share of the query next to the text, 0..1 ("red shoes like these": 0 is the text alone,
   * 1 the image alone). Default 0.5 with text, 1 without.
   */
  weight?: number;
}

export interface AudioAttachment {
  /** Mono PCM at 48 kHz, for CLAP; at most what CLAP takes in one window (10 s) is used. */
  pcm48k?: Float32Array;
  /** Mono PCM at 16 kHz, for the transcript that takes the clip to the text space. */
  pcm16k?: Float32Array;
  /** Its share next to the text, as for images. */
  weight?: number;
}

/** "More like this": the query is a stored segment's own vectors, in every space it has one. */
export interface LikeSegment {
  /** The segment's key in the vector indexes. */
  key: number;
  /** Its item, which the results leave out. */
  itemId: string;
}

export interface SearchQuery {
  /** Words, "phrases" and -negative terms (see parse-query.ts). */
  text?: string;
  /** Search by a segment's stored vectors instead of text or attachments. */
  like?: LikeSegment;
  image?: ImageAttachment;
  audio?: AudioAttachment;
  filters?: SearchFilters;
  /** Most items to return (default 20). */
  limit?: number;
  /** Calibrated score a match needs, when not the searcher's (the strictness setting moves it). */
  cut?: number;
  /** Cuts to count matching items at, for showing what a stricter or looser cut would return. */
  preview?: number[];
}

export function modalityOf(item: Pick<ItemRecord, 'kind'>): Modality | null {
  return item.kind === 'unknown' ? null : item.kind;
}
