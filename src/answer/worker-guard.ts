// Inside the WebLLM worker: every file WebLLM loads goes through one gate. WebLLM fetches through two
// doors, `fetch` (model libraries on localhost or the app's origin) and `Cache.prototype.add` (its Cache
// Storage backend: configs, tokenizer, weights), which does not call `fetch`; both are wrapped here. The
// gate refuses origins that are not configured model hosts (so nothing is fetched from GitHub or the Hub
// unless models.json says so), turns an HTML page served in place of a JSON file into a 404, and reports
// each request and each problem to the page, which names the failing URL in its error message. A file
// whose SHA-256 (llm.sha256 in models.json) does not match fails as it is read, so Cache.put stores nothing.
import { createFetchGuard } from '../encoders/fetch-guard.ts';

export type GuardReport =
  { kind: 'trove:fetch'; url: string } | { kind: 'trove:problem'; reason: string; integrity: boolean };

export function installWorkerFetchGuard(
  allowedOrigins: string[],
  report: (r: GuardReport) => void,
  sha256: Record<string, string> = {},
): void {
  const baseFetch = globalThis.fetch.bind(globalThis);
  // Problems are reported as they are found: a failed integrity check shows only once the body is read.
  const guard = createFetchGuard(allowedOrigins, baseFetch, { sha256, onProblem: () => reportProblems() });
  let reported = 0;
  const reportProblems = () => {
    const integrity = new Set(guard.integrityFailuresSince(reported));
    for (const reason of guard.problemsSince(reported))
      report({ kind: 'trove:problem', reason, integrity: integrity.has(reason) });
    reported = guard.problemCount;
  };

  const guardedFetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    report({ kind: 'trove:fetch', url: input instanceof Request ? input.url : String(input) });
    return guard.fetch(input, init);
  };
  globalThis.fetch = guardedFetch as typeof fetch;

  const put = Cache.prototype.put;
  Cache.prototype.add = async function add(this: Cache, request: RequestInfo | URL): Promise<void> {
    const req = request instanceof Request ? request : new Request(request);
    const response = await guardedFetch(req);
    if (!response.ok)
      throw new TypeError(guard.problemWith(req.url) ?? `${req.url} answered ${response.status}`);
    await put.call(this, req, response);
  };
  Cache.prototype.addAll = async function addAll(
    this: Cache,
    requests: Iterable<RequestInfo | URL>,
  ): Promise<void> {
    for (const r of requests) await this.add(r);
  };
}
