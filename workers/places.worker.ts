/// <reference lib="webworker" />
// Place names for GPS coordinates, offline: the gazetteer (scripts/vite/gazetteer.ts, about 130,000 places)
// is fetched from the app's origin the first time a file has coordinates, parsed once, and kept while the
// worker lives (src/ingest/places/place-finder.ts lets it go after a spell without work).
import * as Comlink from 'comlink';
import { Gazetteer, type Coordinates } from '../src/ingest/places/gazetteer.ts';
import type { PlacesWorkerApi } from '../src/ingest/places/place-finder.ts';

let gazetteer: Promise<Gazetteer> | undefined;

async function load(url: string): Promise<Gazetteer> {
  const target = new URL(url, self.location.href);
  // The gazetteer is part of the app: it never comes from anywhere else.
  if (target.origin !== self.location.origin)
    throw new Error(`The place names file must come from the app (${target.origin})`);
  const response = await fetch(target);
  if (!response.ok) throw new Error(`The place names file could not be read (HTTP ${response.status})`);
  return Gazetteer.parse(await response.text());
}

const api: PlacesWorkerApi = {
  async lookup(url: string, points: Coordinates[]) {
    gazetteer ??= load(url).catch((error: unknown) => {
      gazetteer = undefined; // a failed load is tried again with the next file
      throw error;
    });
    const g = await gazetteer;
    return points.map((p) => g.nearest(p));
  },
};

Comlink.expose(api);
