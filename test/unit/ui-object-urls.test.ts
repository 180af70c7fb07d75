import { resolveObjectURL } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { ObjectUrls } from '../../src/ui/common/object-urls.ts';

const alive = (url: string | null) => url !== null && resolveObjectURL(url) !== undefined;

describe('ObjectUrls', () => {
  it('shares one URL per key and revokes it when the last holder releases', async () => {
    const loads: string[] = [];
    const urls = new ObjectUrls(async (key) => {
      loads.push(key);
      return new Blob([key]);
    });
    const a = urls.acquire('thumb:1');
    const b = urls.acquire('thumb:1');
    const [ua, ub] = await Promise.all([a.url, b.url]);
    expect(ua).toBe(ub);
    expect(loads).toEqual(['thumb:1']);
    expect(await resolveObjectURL(ua!)!.text()).toBe('thumb:1');

    a.release();
    a.release(); // a second release of the same hold changes nothing
    await Promise.resolve();
    expect(alive(ua)).toBe(true);
    b.release();
    await new Promise((r) => setTimeout(r));
    expect(alive(ua)).toBe(false);
    expect(urls.size).toBe(0);

    const again = await urls.acquire('thumb:1').url;
    expect(again).not.toBe(ua);
    expect(loads).toEqual(['thumb:1', 'thumb:1']);
  });

  it('gives null for a missing blob or a failed load', async () => {
    const urls = new ObjectUrls(async (key) => {
      if (key === 'broken') throw new Error('store closed');
      return undefined;
    });
    expect(await urls.acquire('missing').url).toBeNull();
    expect(await urls.acquire('broken').url).toBeNull();
  });

  it('after invalidate, new holders get a fresh URL while old holders keep theirs until released', async () => {
    let version = 0;
    const urls = new ObjectUrls(async () => new Blob([`v${++version}`]));
    const old = urls.acquire('item:1');
    const oldUrl = await old.url;
    urls.invalidate('item:1');
    const fresh = urls.acquire('item:1');
    const freshUrl = await fresh.url;
    expect(await resolveObjectURL(freshUrl!)!.text()).toBe('v2');
    expect(alive(oldUrl)).toBe(true);
    old.release();
    await new Promise((r) => setTimeout(r));
    expect(alive(oldUrl)).toBe(false);
    expect(alive(freshUrl)).toBe(true);
    fresh.release();
  });
});
