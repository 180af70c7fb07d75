// The app's PWA store, started once. In the dev server and in Vitest, vite-plugin-pwa's register module is
// a no-op (no service worker), so the store only ever reports the install offer there.
/// <reference types="vite-plugin-pwa/vanillajs" />
import { registerSW } from 'virtual:pwa-register';
import { createPwaStore, type PwaStore } from './pwa-store.ts';

export type { InstallOutcome, PwaState, PwaStore } from './pwa-store.ts';

let store: PwaStore | undefined;

/** The PWA store (update ready, offline ready, install offer), registering the service worker on first use. */
export function pwa(): PwaStore {
  store ??= createPwaStore({ registerSW });
  return store;
}
