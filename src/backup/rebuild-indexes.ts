// TODO issue 25: the rebuild is the library's now (src/library/rebuild-indexes.ts); src/ingest/index-sync.ts
// still imports it from here. Point that import at the library and delete this file.
export { rebuildVectorIndexes } from '../library/rebuild-indexes.ts';
