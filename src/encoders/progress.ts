import type { ProgressInfo } from './protocol';

export interface FileProgress {
  role: string;
  file: string;
  loaded: number;
  total: number;
  done: boolean;
}

/** Folds transformers.js progress callbacks into per-file and overall download progress. */
export class DownloadProgress {
  readonly files = new Map<string, FileProgress>();

  update(p: ProgressInfo & { role: string }): void {
    if (!p.file) return;
    const key = `${p.role}/${p.file}`;
    const f = this.files.get(key) ?? { role: p.role, file: p.file, loaded: 0, total: 0, done: false };
    if (p.status === 'progress') {
      f.loaded = p.loaded ?? f.loaded;
      f.total = p.total ?? f.total;
    } else if (p.status === 'done') {
      f.done = true;
      f.loaded = Math.max(f.loaded, f.total);
    }
    this.files.set(key, f);
  }

  get overall(): { loaded: number; total: number; fraction: number; active: boolean } {
    let loaded = 0;
    let total = 0;
    let active = false;
    for (const f of this.files.values()) {
      loaded += f.loaded;
      total += f.total;
      active ||= !f.done;
    }
    return { loaded, total, fraction: total ? loaded / total : active ? 0 : 1, active };
  }
}
