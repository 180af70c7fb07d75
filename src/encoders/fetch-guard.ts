// transformers.js fetches every model file through `env.fetch`. This wrapper is the one gate: it refuses
// any origin that is not the app's or a configured model host (so no CDN is ever contacted) and plain
// http: beyond this machine, it turns an HTML page served in place of a model file (a dev server's SPA
// fallback, a login wall) into a 404, so the bad answer is neither parsed as JSON nor cached, and it checks
// the SHA-256 that models.json gives for a file while the file streams through. The reason for any of these
// can be named in the error.
import { createSHA256 } from 'hash-wasm';
import { isLoopback } from '../models/hosts.ts';

/** A downloaded file whose SHA-256 is not the one models.json gives for it. */
export class ModelIntegrityError extends Error {
  override name = 'ModelIntegrityError';
}

export interface FetchGuardOptions {
  /** Expected SHA-256 (hex) of files, keyed by absolute URL. */
  sha256?: Record<string, string>;
  /** Called after each problem is recorded, including a mismatch found after the fetch returned. */
  onProblem?: () => void;
}

export interface FetchGuard {
  fetch: typeof fetch;
  /** Why a URL was refused or rewritten, for the error message shown to the user. */
  problemWith(url: string): string | undefined;
  /** Problems recorded since `mark` (a value of `problemCount`), oldest first. */
  problemsSince(mark: number): string[];
  /** Files that failed their SHA-256 check since `mark`, as problems (a subset of problemsSince). */
  integrityFailuresSince(mark: number): string[];
  readonly problemCount: number;
}

export function createFetchGuard(
  allowedOrigins: string[],
  baseFetch: typeof fetch = fetch,
  options: FetchGuardOptions = {},
): FetchGuard {
  const allowed = new Set(allowedOrigins);
  const digests = new Map(Object.entries(options.sha256 ?? {}).map(([url, hex]) => [url, hex.toLowerCase()]));
  const problems = new Map<string, string>();
  const log: { why: string; integrity: boolean }[] = [];
  const note = (url: string, why: string, integrity = false) => {
    problems.set(url, why);
    log.push({ why, integrity });
    options.onProblem?.();
  };

  const guarded = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input), self.location.href);
    if (!allowed.has(url.origin)) {
      const why = `${url.href} is not on the app's origin or a configured model host, so it was not fetched`;
      note(url.href, why);
      throw new Error(why);
    }
    if (url.protocol === 'http:' && !isLoopback(url.hostname) && url.origin !== self.location.origin) {
      const why = `${url.href} uses http:, which anyone on the network can tamper with, so it was not fetched`;
      note(url.href, why);
      throw new Error(why);
    }
    let response: Response;
    try {
      response = await baseFetch(input, init);
    } catch (err) {
      const why = `could not reach ${url.href} (${(err as Error).message})`;
      note(url.href, why);
      throw new Error(why, { cause: err });
    }
    const type = response.headers.get('content-type') ?? '';
    if (
      response.ok &&
      !url.pathname.endsWith('.html') &&
      (type.includes('text/html') || (await looksLikeHtml(url, response)))
    ) {
      note(url.href, `${url.href} answered with an HTML page instead of the model file`);
      return new Response(null, { status: 404, statusText: 'HTML served in place of a model file' });
    }
    if (!response.ok) note(url.href, `${url.href} answered ${response.status} ${response.statusText}`.trim());
    const expected = digests.get(url.href);
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    // Only a whole file (200) is a model file; a range probe (206) or a HEAD carries no bytes to check.
    if (expected && response.status === 200 && response.body && method !== 'HEAD')
      return checked(response, expected, (actual) => {
        const why =
          `${url.href} failed its integrity check: its SHA-256 is ${actual}, models.json expects ${expected}; ` +
          `the file was not used or kept`;
        note(url.href, why, true);
        return new ModelIntegrityError(why);
      });
    return response;
  };

  return {
    fetch: guarded as typeof fetch,
    problemWith: (url) => problems.get(new URL(url, self.location.href).href),
    problemsSince: (mark) => log.slice(mark).map((p) => p.why),
    integrityFailuresSince: (mark) =>
      log
        .slice(mark)
        .filter((p) => p.integrity)
        .map((p) => p.why),
    get problemCount() {
      return log.length;
    },
  };
}

/**
 * The response with its body hashed as it streams (progress still flows; no second copy of a large file is
 * held). A mismatch errors the body at its end instead of finishing it, so whoever reads it (transformers.js
 * before caching, Cache.put in the answer worker) fails and stores nothing.
 */
function checked(response: Response, expected: string, mismatch: (actual: string) => Error): Response {
  const hasher = createSHA256();
  const body = response.body!.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      async transform(chunk, controller) {
        (await hasher).update(chunk);
        controller.enqueue(chunk);
      },
      async flush(controller) {
        const actual = (await hasher).digest('hex');
        if (actual !== expected) controller.error(mismatch(actual));
      },
    }),
  );
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/** A JSON file whose body is an HTML page: a static host that serves a fallback page under any name. */
async function looksLikeHtml(url: URL, response: Response): Promise<boolean> {
  if (!url.pathname.endsWith('.json')) return false;
  const head = (await response.clone().text()).trimStart().slice(0, 15).toLowerCase();
  return head.startsWith('<!doctype') || head.startsWith('<html') || head.startsWith('<');
}
