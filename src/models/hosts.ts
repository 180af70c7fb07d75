// Which model hosts may be used at all. Model files and WebLLM's model libraries are code and weights the
// app runs, so they must not travel over plain http:, where anyone on the network path can swap them;
// http: is accepted only for this machine (a local model server, the test fixtures).

/** Host names that never leave this machine. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopback(hostname: string): boolean {
  return LOOPBACK.has(hostname);
}

/**
 * Why a model host setting is refused, or undefined when it is fine. A relative path (or "hub"/"github")
 * stays on the app's own origin or a known https host; an absolute URL must be https:, or http: on this
 * machine.
 */
export function hostProblem(host: string): string | undefined {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    return undefined; // a path on the app's origin
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    if (isLoopback(url.hostname)) return undefined;
    return `uses http:, which anyone on the network can tamper with; use https: (http: is allowed only for localhost and 127.0.0.1)`;
  }
  return `must be an https: URL or a path (got ${url.protocol})`;
}
