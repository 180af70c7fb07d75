// transformers.js fetches every model file through `env.fetch`. This wrapper is the one gate: it refuses
// any origin that is not the app's or a configured model host (so no CDN is ever contacted), and it turns an
// HTML page served in place of a model file (a dev server's SPA fallback, a login wall) into a 404, so the
// bad answer is neither parsed as JSON nor cached, and the reason can be named in the error.

export interface FetchGuard {
  fetch: typeof fetch;
  /** Why a URL was refused or rewritten, for the error message shown to the user. */
  problemWith(url: string): string | undefined;
  /** Problems recorded since `mark` (a value of `problemCount`), oldest first. */
  problemsSince(mark: number): string[];
  readonly problemCount: number;
}

export function createFetchGuard(allowedOrigins: string[], baseFetch: typeof fetch = fetch): FetchGuard {
  const allowed = new Set(allowedOrigins);
  const problems = new Map<string, string>();
  const log: string[] = [];
  const note = (url: string, why: string) => {
    problems.set(url, why);
    log.push(why);
  };

  const guarded = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input), self.location.href);
    if (!allowed.has(url.origin)) {
      const why = `${url.href} is not on the app's origin or a configured model host, so it was not fetched`;
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
    return response;
  };

  return {
    fetch: guarded as typeof fetch,
    problemWith: (url) => problems.get(new URL(url, self.location.href).href),
    problemsSince: (mark) => log.slice(mark),
    get problemCount() {
      return log.length;
    },
  };
}

/** A JSON file whose body is an HTML page: a static host that serves a fallback page under any name. */
async function looksLikeHtml(url: URL, response: Response): Promise<boolean> {
  if (!url.pathname.endsWith('.json')) return false;
  const head = (await response.clone().text()).trimStart().slice(0, 15).toLowerCase();
  return head.startsWith('<!doctype') || head.startsWith('<html') || head.startsWith('<');
}
