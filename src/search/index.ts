// Unified cross-modal search (issue 6). See searcher.ts for the flow.
export { Searcher, type SearcherDeps, type SearcherOptions, type SearchTrace } from './searcher.ts';
export { SearchCatalog, type CatalogApi, type CatalogSegment, type DescribedSegment } from './catalog.ts';
export { RemoteCatalog } from './catalog-client.ts';
export { planQuery, mixVectors, type QueryEncoders, type QueryPlan, type SpaceQuery } from './fan-out.ts';
export { parseQueryText, type ParsedText } from './parse-query.ts';
export type {
  SearchQuery,
  SearchFilters,
  DateRange,
  Modality,
  ImageAttachment,
  AudioAttachment,
} from './query.ts';
export type {
  SearchResponse,
  SearchStatus,
  ItemResult,
  SegmentResult,
  SegmentRange,
  SpaceMatch,
} from './results.ts';
export type { Snippet } from './snippet.ts';
export type { FusionMethod } from './fuse.ts';
export type { CalibrationMethod } from './calibrate.ts';
