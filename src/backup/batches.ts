// How much of a library an export or an import holds at once. Records, vectors and thumbnails are read and
// written in batches of at most BATCH_RECORDS records and about BATCH_BYTES bytes, each in its own
// IndexedDB request or transaction; what stays in memory for the whole run is an index of ids (tens of
// bytes per record) so references can be checked, never the records themselves.

/** Records per staging write, and per page when the export reads the library. */
export const BATCH_RECORDS = 512;
/** Bytes of records (JSON text, vector rows, thumbnails) gathered before they are written. */
export const BATCH_BYTES = 4 * 1024 * 1024;
