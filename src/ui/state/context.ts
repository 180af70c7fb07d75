import { getContext, setContext } from 'svelte';
import type { AppState } from './app-state.svelte.ts';

const key = Symbol('trove-app');

export function provideApp(app: AppState): void {
  setContext(key, app);
}

export function useApp(): AppState {
  const app = getContext<AppState | undefined>(key);
  if (!app) throw new Error('useApp() outside the app: provideApp() was not called');
  return app;
}
