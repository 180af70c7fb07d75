// The page's handle on the places worker (workers/places.worker.ts): GPS coordinates → the nearest place
// (city, region, country), offline. The worker, and the gazetteer it downloads (its size is in the
// README), start only when a file has coordinates; the worker ends after a minute without work, which
// gives its memory back.
import * as Comlink from 'comlink';
import gazetteerUrl from 'virtual:trove-gazetteer';
import type { Place } from '../../library/records.ts';
import type { Coordinates } from './gazetteer.ts';

export interface PlacesWorkerApi {
  lookup(url: string, points: Coordinates[]): Promise<(Place | null)[]>;
}

/** What ingest asks: the place of each point (null where none is near). */
export interface PlaceLookup {
  placesOf(points: Coordinates[]): Promise<(Place | null)[]>;
}

export interface PlaceFinderOptions {
  /** The gazetteer's URL (default: the one the build made). */
  url?: string;
  /** Ends the worker after this long without a lookup (default 60 s). */
  idleReleaseMs?: number;
}

export class PlaceFinder implements PlaceLookup {
  private worker?: Worker;
  private api?: Comlink.Remote<PlacesWorkerApi>;
  /** Rejects when the worker fails to start or crashes, so no lookup waits on a dead worker. */
  private crashed?: Promise<never>;
  private busy = 0;
  private idleTimer?: ReturnType<typeof setTimeout>;
  private readonly url: string;
  private readonly idleReleaseMs: number;
  /** How many times a worker was started (tests: a file without GPS starts none). */
  starts = 0;

  constructor(options: PlaceFinderOptions = {}) {
    this.url = options.url ?? gazetteerUrl;
    this.idleReleaseMs = options.idleReleaseMs ?? 60_000;
  }

  async placesOf(points: Coordinates[]): Promise<(Place | null)[]> {
    if (points.length === 0) return [];
    clearTimeout(this.idleTimer);
    this.busy++;
    try {
      const api = this.remote();
      return await Promise.race([api.lookup(this.url, points), this.crashed!]);
    } finally {
      if (--this.busy === 0) this.idleTimer = setTimeout(() => this.terminate(), this.idleReleaseMs);
    }
  }

  terminate(): void {
    clearTimeout(this.idleTimer);
    this.api?.[Comlink.releaseProxy]();
    this.worker?.terminate();
    this.worker = this.api = this.crashed = undefined;
  }

  private remote(): Comlink.Remote<PlacesWorkerApi> {
    if (!this.api) {
      this.worker = new Worker(new URL('../../../workers/places.worker.ts', import.meta.url), {
        type: 'module',
        name: 'trove-places',
      });
      const worker = this.worker;
      this.crashed = new Promise<never>((_, reject) =>
        worker.addEventListener('error', (e) => {
          e.preventDefault();
          if (this.worker === worker) this.terminate();
          reject(new Error(`The places worker stopped (${e.message || 'no reason given'})`));
        }),
      );
      this.crashed.catch(() => {});
      this.api = Comlink.wrap<PlacesWorkerApi>(worker);
      this.starts++;
    }
    return this.api;
  }
}
