// The offline gazetteer in memory: the places of scripts/vite/gazetteer.ts's file (GeoNames' places of
// 1,000 people or more, from npm), and the nearest one to a coordinate. A scan of ~130,000 places takes a
// millisecond or two, far less than decoding the photo; nothing here goes online.
import type { Place } from '../../library/records.ts';

export interface Coordinates {
  lat: number;
  lon: number;
}

/** A photo farther than this from every place in the gazetteer (at sea, in a desert) gets no place. */
export const MAX_PLACE_KM = 100;

export class GazetteerFormatError extends Error {
  override name = 'GazetteerFormatError';
}

export class Gazetteer {
  private constructor(
    private readonly names: string[],
    /** Latitude and longitude in thousandths of a degree, two per place. */
    private readonly coords: Int32Array,
    private readonly regionOf: Uint32Array,
    private readonly regions: { country: string; name: string }[],
    private readonly countryName: (code: string) => string,
  ) {}

  get size(): number {
    return this.names.length;
  }

  /** Reads the file's text; `countryName` names a country code (default: the browser's English names). */
  static parse(text: string, countryName: (code: string) => string = englishCountryName()): Gazetteer {
    const lines = text.split('\n');
    const header = lines[0]?.split('\t') ?? [];
    if (header[0] !== 'trove-gazetteer' || header[1] !== '1')
      throw new GazetteerFormatError('The place names file is not a Trove gazetteer');
    const regionCount = Number(header[2]);
    const regions = lines.slice(1, 1 + regionCount).map((l) => {
      const [country = '', name = ''] = l.split('\t');
      return { country, name };
    });
    const places = lines.slice(1 + regionCount).filter((l) => l.length > 0);
    const names: string[] = new Array(places.length);
    const coords = new Int32Array(places.length * 2);
    const regionOf = new Uint32Array(places.length);
    places.forEach((line, i) => {
      const [name = '', lat, lon, region] = line.split('\t');
      names[i] = name;
      coords[2 * i] = Number(lat);
      coords[2 * i + 1] = Number(lon);
      regionOf[i] = Number(region);
    });
    return new Gazetteer(names, coords, regionOf, regions, countryName);
  }

  /** The place nearest to the coordinates, or null when none is within MAX_PLACE_KM. */
  nearest({ lat, lon }: Coordinates): Place | null {
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180)
      return null;
    // Equirectangular distance: exact enough to rank places within a few hundred km.
    const shrink = Math.cos((lat * Math.PI) / 180);
    const la = lat * 1000;
    const lo = lon * 1000;
    let best = -1;
    let bestD = Infinity;
    for (let i = 0; i < this.names.length; i++) {
      const dLat = this.coords[2 * i]! - la;
      let dLon = Math.abs(this.coords[2 * i + 1]! - lo);
      if (dLon > 180_000) dLon = 360_000 - dLon;
      const d = dLat * dLat + dLon * shrink * (dLon * shrink);
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    const km = (Math.sqrt(bestD) / 1000) * 111.2;
    if (best < 0 || km > MAX_PLACE_KM) return null;
    const region = this.regions[this.regionOf[best]!];
    const country = region?.country ?? '';
    return {
      city: this.names[best]!,
      ...(region?.name ? { region: region.name } : {}),
      country: this.countryName(country),
      countryCode: country,
    };
  }
}

function englishCountryName(): (code: string) => string {
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
  return (code) => {
    try {
      return names.of(code) ?? code;
    } catch {
      return code;
    }
  };
}
