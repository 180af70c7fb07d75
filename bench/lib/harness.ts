// What a benchmark section gets from the runner: one Vite dev server (the project's vite.config.ts, so
// bench pages get the same plugins and isolation headers as the app) and one Chromium with a persistent
// profile. The profile matters: in an incognito-like context Chromium serves OPFS from memory through
// IPC, which makes every file read ~100× slower than for a real user.
import type { BrowserContext, Page } from 'playwright';

export interface BenchContext {
  /** Opens a page of the Vite server, e.g. '/bench/pages/vector-index.html'. */
  openPage(path: string): Promise<Page>;
  /** Arguments after the section names, e.g. ['--sizes=1k,10k']. */
  args: string[];
  log(message: string): void;
  /** The browser, for sections that open pages elsewhere (the built app: bench/lib/app-server.ts). */
  browser: BrowserContext;
  /** The browser's profile folder; also found in its command line (bench/lib/app-driver.ts). */
  profileDir: string;
}

export interface BenchSection {
  /** What `npm run bench -- <name>` selects. */
  name: string;
  title: string;
  /** Runs the benchmark and returns its Markdown for bench/RESULTS.md (tables and notes). */
  run(ctx: BenchContext): Promise<string>;
}

export function argValue(args: string[], name: string): string | undefined {
  const prefix = `--${name}=`;
  return args.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}
