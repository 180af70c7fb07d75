// The library view over a test Trove, mounted as the app draws it, in a 900 px wide box of the page.
import { mount, unmount } from 'svelte';
import type { Trove } from '../../src/trove.ts';
import { AppState } from '../../src/ui/state/app-state.svelte.ts';
import LibraryHarness from './LibraryHarness.svelte';

export interface MountedLibrary {
  app: AppState;
  target: HTMLElement;
  unmount(): Promise<void>;
}

export function mountLibrary(trove: Trove): MountedLibrary {
  const app = new AppState();
  app.trove = trove;
  app.phase = 'ready';
  app.library.attach(trove);
  const target = document.createElement('div');
  target.style.width = '900px';
  document.body.append(target);
  const component = mount(LibraryHarness, { target, props: { app } });
  return {
    app,
    target,
    unmount: async () => {
      await unmount(component);
      target.remove();
    },
  };
}
