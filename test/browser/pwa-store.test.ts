// The PWA store and its banner, in the real browser. Service worker registration itself is exercised by the
// e2e tier against the built app (test/e2e/offline.spec.ts, test/e2e/pwa-update.spec.ts); here
// vite-plugin-pwa's registerSW is replaced by a recorder, and the install offer is a real Event carrying the
// two members Chromium's BeforeInstallPromptEvent adds (headless Chromium never fires one).
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { createPwaStore, type PwaState, type RegisterSW } from '../../src/pwa/pwa-store.ts';
import PwaBanner from '../../src/ui/pwa/PwaBanner.svelte';

type Callbacks = Parameters<RegisterSW>[0];

function recorder() {
  const calls = { register: [] as Callbacks[], update: 0 };
  const registerSW: RegisterSW = (options) => {
    calls.register.push(options);
    return async () => {
      calls.update++;
    };
  };
  return { calls, registerSW, callbacks: () => calls.register[0]! };
}

function installOffer(outcome: 'accepted' | 'dismissed') {
  const event = new Event('beforeinstallprompt', { cancelable: true });
  let prompted = 0;
  Object.assign(event, {
    prompt: async () => {
      prompted++;
    },
    userChoice: Promise.resolve({ outcome, platform: 'web' }),
  });
  return { event, prompted: () => prompted };
}

const stops: (() => void)[] = [];
afterEach(() => {
  while (stops.length) stops.pop()!();
});

describe('PWA store', () => {
  it('registers once, immediately, and reports update, offline-ready and registration errors', async () => {
    const { calls, registerSW, callbacks } = recorder();
    const store = createPwaStore({ registerSW, updateCheckMs: 0 });
    stops.push(store.stop);
    const seen: PwaState[] = [];
    stops.push(store.subscribe((s) => seen.push(s)));
    expect(calls.register).toHaveLength(1);
    expect(callbacks().immediate).toBe(true);
    expect(seen.at(-1)).toMatchObject({ updateReady: false, offlineReady: false, canInstall: false });

    callbacks().onOfflineReady!();
    expect(store.get().offlineReady).toBe(true);
    store.dismissOfflineReady();
    expect(store.get().offlineReady).toBe(false);

    callbacks().onNeedRefresh!();
    expect(store.get().updateReady).toBe(true);
    await store.applyUpdate();
    expect(calls.update).toBe(1);
    store.dismissUpdate();
    expect(store.get().updateReady).toBe(false);

    callbacks().onRegisterError!(new Error('SecurityError: insecure origin'));
    expect(store.get().error).toMatch(/Offline use is unavailable: SecurityError/);
    expect(seen.length).toBeGreaterThanOrEqual(6);
  });

  it('keeps the install offer, shows it once on install(), and forgets it after', async () => {
    const { registerSW } = recorder();
    const store = createPwaStore({ registerSW, updateCheckMs: 0 });
    stops.push(store.stop);
    expect(await store.install()).toBe('unavailable');

    const offer = installOffer('accepted');
    window.dispatchEvent(offer.event);
    // The browser's own mini-infobar is suppressed; Trove shows its own button.
    expect(offer.event.defaultPrevented).toBe(true);
    expect(store.get().canInstall).toBe(true);

    expect(await store.install()).toBe('accepted');
    expect(offer.prompted()).toBe(1);
    expect(store.get()).toMatchObject({ canInstall: false, installed: true });
    expect(await store.install()).toBe('unavailable');
    expect(offer.prompted()).toBe(1);
  });

  it('treats appinstalled as installed, and a dismissed dialog as not', async () => {
    const { registerSW } = recorder();
    const store = createPwaStore({ registerSW, updateCheckMs: 0 });
    stops.push(store.stop);
    const offer = installOffer('dismissed');
    window.dispatchEvent(offer.event);
    expect(await store.install()).toBe('dismissed');
    expect(store.get().installed).toBe(false);
    window.dispatchEvent(new Event('appinstalled'));
    expect(store.get().installed).toBe(true);
  });

  it('asks the registration for updates on a timer while online, and stops when told', async () => {
    const { registerSW, callbacks } = recorder();
    const store = createPwaStore({ registerSW, updateCheckMs: 20 });
    let checks = 0;
    const registration = { update: async () => void checks++ } as unknown as ServiceWorkerRegistration;
    callbacks().onRegisteredSW!('/sw.js', registration);
    await new Promise((r) => setTimeout(r, 110));
    expect(checks).toBeGreaterThanOrEqual(2);
    store.stop();
    const after = checks;
    await new Promise((r) => setTimeout(r, 80));
    expect(checks).toBe(after);
  });
});

describe('PWA banner', () => {
  it('renders nothing until there is news, then the update, offline and install notices as buttons', async () => {
    const { calls, registerSW, callbacks } = recorder();
    const store = createPwaStore({ registerSW, updateCheckMs: 0 });
    stops.push(store.stop);
    const target = document.createElement('div');
    document.body.append(target);
    const banner = mount(PwaBanner, { target, props: { store } });
    stops.push(() => {
      void unmount(banner); // settles at once: no outro was asked for
      target.remove();
    });
    const region = target.querySelector('[role="status"]')!;
    expect(region.getAttribute('aria-live')).toBe('polite');
    expect(region.textContent!.trim()).toBe('');

    callbacks().onOfflineReady!();
    flushSync();
    expect(region.textContent).toContain('ready to work offline');

    callbacks().onNeedRefresh!();
    flushSync();
    const reload = [...target.querySelectorAll('button')].find((b) => b.textContent === 'Reload to update')!;
    expect(reload).toBeDefined();
    reload.click();
    await new Promise((r) => setTimeout(r, 0));
    expect(calls.update).toBe(1);

    const offer = installOffer('dismissed');
    window.dispatchEvent(offer.event);
    flushSync();
    const install = [...target.querySelectorAll('button')].find((b) => b.textContent === 'Install')!;
    install.click();
    await new Promise((r) => setTimeout(r, 0));
    expect(offer.prompted()).toBe(1);
    flushSync();
    expect(target.textContent).not.toContain('Install Trove');
  });
});
