// Which folder of src/ (and workers/) may import which: the module map of README.md → Architecture, made
// into ESLint `no-restricted-imports` rules. Imports are written as relative paths, so for every folder the
// rules are spelled from that folder's place in the tree; a file that imports across the map fails lint
// with a message naming the rule it broke.
import fs from 'node:fs';
import path from 'node:path';

/**
 * @typedef {object} Module
 * @property {string} name
 * @property {string[]} files globs of the module's files, relative to the repository
 * @property {string[]} may the modules it may import (by name), or single files of them ("ingest/detect-type.ts")
 * @property {string[]} [internal] its own files that no other module may import
 * @property {string} [home] its folder, for a folder module
 */

/** @type {Module[]} */
export const modules = [
  { name: 'models', home: 'src/models', files: [], may: [] },
  { name: 'vector-index', home: 'src/vector-index', files: [], may: ['workers/vector-index.worker.ts'] },
  { name: 'encoders', home: 'src/encoders', files: [], may: ['models', 'workers/encoder.worker.ts'] },
  {
    name: 'library',
    home: 'src/library',
    files: [],
    may: [
      'vector-index/types.ts',
      // Pure file recognition, shared with backup, answer and the UI.
      'ingest/detect-type.ts',
      'ingest/content-hash.ts',
      // The keyword index is written with the segments, in the terms search reads it by.
      'search/tokenize.ts',
      'workers/originals.worker.ts',
    ],
    // The database itself: everything else reaches it through Library (library.ts).
    internal: [
      'open-db.ts',
      'migrations.ts',
      'write-tx.ts',
      'counters.ts',
      'pages.ts',
      'staging.ts',
      'snapshot.ts',
      'write-results.ts',
      'item-adds.ts',
      'job-writes.ts',
      'jobs-by-id.ts',
      'postings.ts',
      'month-window.ts',
      'sweep-originals.ts',
    ],
  },
  {
    name: 'backup',
    home: 'src/backup',
    files: [],
    may: [
      'library',
      'ingest/detect-type.ts',
      'ingest/quota-error.ts',
      'ingest/image/jpeg-size.ts',
      'ingest/audio/waveform-image.ts',
    ],
  },
  {
    name: 'search',
    home: 'src/search',
    files: [],
    may: ['library/records.ts', 'vector-index/types.ts', 'encoders/protocol.ts', 'workers/search.worker.ts'],
  },
  {
    name: 'answer',
    home: 'src/answer',
    files: [],
    may: [
      'models',
      'library/records.ts',
      'ingest/detect-type.ts',
      'encoders/fetch-guard.ts',
      'workers/llm.worker.ts',
    ],
  },
  {
    name: 'ingest',
    home: 'src/ingest',
    files: [],
    may: [
      'library',
      'encoders',
      'vector-index/types.ts',
      'typed-event-target',
      'workers/document.worker.ts',
      'workers/image.worker.ts',
      'workers/ffmpeg.worker.ts',
      'workers/ffmpeg-api.ts',
    ],
  },
  { name: 'pwa', home: 'src/pwa', files: [], may: [] },
  { name: 'typed-event-target', files: ['src/typed-event-target.ts'], may: [] },
  {
    name: 'trove',
    files: ['src/trove.ts', 'src/trove-api.ts', 'src/trove-tabs.ts', 'src/trove-tools.ts'],
    may: [
      'models',
      'vector-index',
      'encoders',
      'library',
      'backup',
      'ingest',
      'search',
      'answer',
      'typed-event-target',
    ],
  },
  {
    name: 'ui',
    home: 'src/ui',
    files: [],
    may: [
      'trove',
      'answer',
      'search',
      'models',
      'pwa',
      'backup/index.ts',
      'library/records.ts',
      // Pure: the timeline's months and count records, which the library view works from.
      'library/item-counts.ts',
      'ingest/detect-type.ts',
    ],
  },
  { name: 'app', files: ['src/App.svelte', 'src/main.ts'], may: ['ui', 'pwa'] },
  {
    name: 'workers',
    home: 'workers',
    files: [],
    may: ['models', 'vector-index', 'encoders', 'library', 'search', 'answer', 'ingest'],
  },
];

/** Packages only some modules may use: the library and the vector index own their databases. */
const packages = [{ name: 'idb', only: ['library', 'vector-index'] }];

const sourceFile = /\.(ts|js|svelte)$/;

/** @param {string} text */
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A module's folder, or for a module of single files the folder they are in. */
const folderOf = (/** @type {Module} */ m) => m.home ?? path.posix.dirname(m.files[0] ?? '');

/**
 * How an import from `dir` spells the start of `target` (both relative to the repository).
 * @param {string} dir
 * @param {string} target
 */
function spelled(dir, target) {
  const rel = path.posix.relative(dir, target);
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/**
 * An import specifier pattern for a file ("x.ts" also matches "x").
 * @param {string} file
 */
function fileName(file) {
  return `${escape(file.replace(/\.ts$/, ''))}${file.endsWith('.ts') ? '(\\.ts)?' : ''}`;
}

/**
 * The no-restricted-imports patterns for a file of module `from` in `dir`: every module it may not
 * import, or may import only in part.
 * @param {Module} from
 * @param {string} dir
 * @returns {{ regex: string; message: string }[]}
 */
function patterns(from, dir) {
  const may = from.may;
  const out = [];
  for (const to of modules) {
    if (to === from) continue;
    const where = `${from.name} may not import`;
    const hint = 'see README.md → Architecture';
    if (!to.home) {
      const names = to.files.map((f) => fileName(path.posix.basename(f))).join('|');
      if (!may.includes(to.name))
        out.push({
          regex: `^${escape(spelled(dir, folderOf(to)))}/(${names})$`,
          message: `${where} ${to.name} (${hint}).`,
        });
      continue;
    }
    const base = `^${escape(spelled(dir, to.home))}/`;
    const files = may.filter((m) => m.startsWith(`${to.name}/`)).map((m) => m.slice(to.name.length + 1));
    if (may.includes(to.name)) {
      const internal = (to.internal ?? []).filter((f) => !files.includes(f));
      if (internal.length)
        out.push({
          regex: `${base}(${internal.map(fileName).join('|')})$`,
          message: `${to.name}'s internal files are its own; use its public modules (${hint}).`,
        });
      continue;
    }
    out.push({
      regex: files.length ? `${base}(?!(${files.map(fileName).join('|')})$)` : base,
      message: files.length
        ? `${where} ${to.name} but for ${files.join(', ')} (${hint}).`
        : `${where} ${to.name} (${hint}).`,
    });
  }
  for (const p of packages)
    if (!p.only.includes(from.name))
      out.push({ regex: `^${escape(p.name)}$`, message: `Only ${p.only.join(' and ')} use ${p.name}.` });
  return out;
}

/**
 * Every folder below `dir` (and `dir`), relative to the repository `root`.
 * @param {string} root
 * @param {string} dir
 * @returns {string[]}
 */
function foldersUnder(root, dir) {
  const found = [dir];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true }))
    if (entry.isDirectory()) found.push(...foldersUnder(root, `${dir}/${entry.name}`));
  return found;
}

/**
 * ESLint config objects enforcing the map: one per folder (imports are spelled from a file's folder).
 * `root` is the repository.
 * @param {string} root
 */
export function moduleBoundaries(root) {
  const configs = [];
  const rule = (/** @type {{ regex: string; message: string }[]} */ list) => ({
    'no-restricted-imports': ['error', { patterns: list }],
  });
  for (const m of modules) {
    if (m.home) {
      for (const dir of foldersUnder(root, m.home)) {
        const hasSource = fs.readdirSync(path.join(root, dir)).some((f) => sourceFile.test(f));
        if (hasSource) configs.push({ files: [`${dir}/*.{ts,js,svelte}`], rules: rule(patterns(m, dir)) });
      }
    } else {
      configs.push({ files: m.files, rules: rule(patterns(m, folderOf(m))) });
    }
  }
  return configs;
}
