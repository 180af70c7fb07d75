// What the UI shows about the installed app: an update waiting to be applied, the app shell being ready
// for offline use, and the browser's install offer. A Svelte-compatible store (subscribe), built from a
// service worker registration function and the window, both passed in so a test can drive them.

export interface PwaState {
  /** A new version is installed and waiting; `applyUpdate()` reloads into it. */
  updateReady: boolean;
  /** The app shell was just cached: from now on Trove opens offline. Shown once, then dismissed. */
  offlineReady: boolean;
  /** The browser offered to install Trove (`beforeinstallprompt`); `install()` shows its dialog. */
  canInstall: boolean;
  /** Running as an installed app, or installed during this session. */
  installed: boolean;
  /** The service worker could not be registered; the app works, but not offline. */
  error?: string;
}

/** The shape of vite-plugin-pwa's `registerSW` (virtual:pwa-register). */
export type RegisterSW = (options: {
  immediate?: boolean;
  onNeedRefresh?: () => void;
  onOfflineReady?: () => void;
  onRegisteredSW?: (swUrl: string, registration: ServiceWorkerRegistration | undefined) => void;
  onRegisterError?: (error: unknown) => void;
}) => (reloadPage?: boolean) => Promise<void>;

/** Chromium's install offer; not in TypeScript's DOM types. */
export interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<unknown>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed'; platform?: string }>;
}

export type InstallOutcome = 'accepted' | 'dismissed' | 'unavailable';

export interface PwaStore {
  subscribe(run: (state: PwaState) => void): () => void;
  get(): PwaState;
  /** Activates the waiting version; the page reloads once it has taken over. */
  applyUpdate(): Promise<void>;
  /** Hides the update notice for now; the new version still starts on the next visit. */
  dismissUpdate(): void;
  dismissOfflineReady(): void;
  /** Shows the browser's install dialog (only while `canInstall`). */
  install(): Promise<InstallOutcome>;
  /** Removes the window listeners and the update timer. */
  stop(): void;
}

export interface PwaStoreOptions {
  registerSW: RegisterSW;
  /** The window (events, display mode, online state). */
  window?: Window;
  /** How often an open session asks the server for a new version; 0 turns it off. */
  updateCheckMs?: number;
}

const HOUR = 60 * 60 * 1000;

export function createPwaStore(options: PwaStoreOptions): PwaStore {
  const win = options.window ?? window;
  const listeners = new Set<(state: PwaState) => void>();
  let state: PwaState = {
    updateReady: false,
    offlineReady: false,
    canInstall: false,
    installed: win.matchMedia?.('(display-mode: standalone)').matches ?? false,
  };
  let offer: BeforeInstallPromptEvent | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;

  const set = (patch: Partial<PwaState>) => {
    state = { ...state, ...patch };
    for (const run of listeners) run(state);
  };

  const onInstallOffer = (event: Event) => {
    // Keep the browser's own mini-infobar away; Trove offers installation in its own UI.
    event.preventDefault();
    offer = event as BeforeInstallPromptEvent;
    set({ canInstall: true });
  };
  const onInstalled = () => {
    offer = undefined;
    set({ canInstall: false, installed: true });
  };
  win.addEventListener('beforeinstallprompt', onInstallOffer);
  win.addEventListener('appinstalled', onInstalled);

  const updateSW = options.registerSW({
    immediate: true,
    onNeedRefresh: () => set({ updateReady: true }),
    onOfflineReady: () => set({ offlineReady: true }),
    onRegisterError: (error) => set({ error: `Offline use is unavailable: ${describe(error)}` }),
    onRegisteredSW: (_url, registration) => {
      const every = options.updateCheckMs ?? HOUR;
      if (!registration || every <= 0) return;
      // A tab left open for days still learns about new versions.
      timer = setInterval(() => {
        // A check that fails (the server is unreachable) is simply tried again at the next interval.
        if (win.navigator.onLine) registration.update().catch(() => undefined);
      }, every);
    },
  });

  return {
    subscribe(run) {
      listeners.add(run);
      run(state);
      return () => listeners.delete(run);
    },
    get: () => state,
    async applyUpdate() {
      await updateSW(true);
    },
    dismissUpdate: () => set({ updateReady: false }),
    dismissOfflineReady: () => set({ offlineReady: false }),
    async install() {
      const current = offer;
      if (!current) return 'unavailable';
      // An offer can be shown once; the browser sends a new one if the user may be asked again.
      offer = undefined;
      set({ canInstall: false });
      await current.prompt();
      const { outcome } = await current.userChoice;
      if (outcome === 'accepted') set({ installed: true });
      return outcome;
    },
    stop() {
      win.removeEventListener('beforeinstallprompt', onInstallOffer);
      win.removeEventListener('appinstalled', onInstalled);
      clearInterval(timer);
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
