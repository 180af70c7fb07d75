// The Content-Security-Policy of the built app. `connect-src` is the app's own origin plus the model
// folders that models.json names (read at build time), narrowed to their paths, so the page can reach
// nothing else. A <meta> CSP governs the page only: dedicated workers take their policy from their own
// response headers, so the workers' fetch guard (src/encoders/fetch-guard.ts) enforces the hosts in code,
// and hosts that can send headers should send the header form too (README, "Hosting the build"), as
// `vite preview` does (cspPreviewPlugin).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import type { Plugin } from 'vite';
import { resolveCandidates } from '../../src/answer/choose-model.ts';
import {
  configuredRoles,
  HUB_URL,
  modelFileUrl,
  resolveHost,
  validateModelsConfig,
  type ModelsConfig,
} from '../../src/models/config.ts';
import { DEFAULT_LLM_CONFIG } from '../../src/models/llm-config.ts';

/** Stands for the app's origin while resolving relative hosts; it becomes 'self'. */
const APP_PLACEHOLDER = 'https://trove-app.invalid/';

/**
 * The Hub answers model downloads with a redirect to its file CDNs (cdn-lfs*.hf.co, cas-bridge.xethub.hf.co,
 * us.aws.cdn.hf.co, …), and CSP checks every redirect hop, so a Hub host brings its CDN hosts with it.
 */
export const HUB_REDIRECT_SOURCES = ['https://*.hf.co', 'https://*.huggingface.co'];

/**
 * Every URL prefix model files are fetched from: each role's model folder (every revision of it in the Hub
 * layout), each answer model's weights folder and its model library file. CSP source expressions can end
 * in a path: one ending in "/" allows that folder, another exactly that file.
 */
export function modelFolders(config: ModelsConfig, appUrl: string): string[] {
  const roles = configuredRoles(config).map((role) => {
    const url = modelFileUrl(config, role, '', appUrl);
    const hub = resolveHost(config, role, appUrl).remotePathTemplate.includes('{revision}');
    // …/<model>/resolve/<revision>/ → …/<model>/ (so /raw/ and every revision stay allowed)
    return hub ? url.replace(/resolve\/[^/]+\/$/, '') : url;
  });
  const llm = resolveCandidates(
    config.llm ?? DEFAULT_LLM_CONFIG,
    prebuiltAppConfig.model_list,
    appUrl,
  ).flatMap((c) => [
    c.record.model.endsWith('/') ? c.record.model : `${c.record.model}/`,
    c.record.model_lib,
  ]);
  return [...new Set([...roles, ...llm])];
}

/** The connect-src sources for a model configuration: 'self', then the model folders on other hosts. */
export function connectSources(config: ModelsConfig): string[] {
  const appOrigin = new URL(APP_PLACEHOLDER).origin;
  const folders = modelFolders(config, APP_PLACEHOLDER)
    .map((folder) => new URL(folder))
    .filter((url) => url.origin !== appOrigin);
  // A source path holds no query or fragment; ";" and "," would end the source, so they are escaped.
  const sources = folders.map(
    (url) => url.origin + url.pathname.replaceAll(';', '%3B').replaceAll(',', '%2C'),
  );
  // The Hub redirects downloads to its CDN hosts; CSP checks every hop, and ignores a source's path after a
  // redirect.
  const hub = folders.some((url) => url.origin === new URL(HUB_URL).origin);
  // blob: and data: never leave the device (object URLs of the user's files, inline thumbnails).
  return [...new Set(["'self'", ...sources, ...(hub ? HUB_REDIRECT_SOURCES : []), 'blob:', 'data:'])];
}

/**
 * The policy's directives, in the order they are written. `workers`: the policy also governs the workers
 * (sent as a header), where onnxruntime-web loads its WASM glue as a blob: module; the page (the <meta>)
 * never needs that.
 */
export function cspDirectives(
  config: ModelsConfig,
  options: { workers?: boolean } = {},
): [string, string[]][] {
  return [
    ['default-src', ["'self'"]],
    // WASM (onnxruntime-web, ffmpeg.wasm, the vector index kernel) needs 'wasm-unsafe-eval', never 'unsafe-eval'.
    ['script-src', ["'self'", "'wasm-unsafe-eval'", ...(options.workers ? ['blob:'] : [])]],
    // Svelte writes style attributes; inline styles cannot run script.
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['connect-src', connectSources(config)],
    ['worker-src', ["'self'", 'blob:']],
    ['img-src', ["'self'", 'blob:', 'data:']],
    ['media-src', ["'self'", 'blob:']],
    ['font-src', ["'self'"]],
    ['manifest-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
  ];
}

export function cspString(config: ModelsConfig, options: { workers?: boolean } = {}): string {
  return cspDirectives(config, options)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/**
 * The header form for hosts that can send headers: sent as a header the policy also governs the workers
 * (so scripts may also come from blob:, see cspDirectives), and it can say what only a header can
 * (frame-ancestors is ignored in a <meta>).
 */
export function cspHeader(config: ModelsConfig): string {
  return `${cspString(config, { workers: true })}; frame-ancestors 'none'`;
}

export function cspMetaTag(config: ModelsConfig): string {
  return `<meta http-equiv="Content-Security-Policy" content="${cspString(config)}" />`;
}

/**
 * Writes the CSP <meta> into the built index.html, right after <meta charset> (which must stay in the first
 * 1024 bytes) and before any script, stylesheet or link, since a <meta> policy covers only what follows it.
 */
export function cspPlugin(options: { modelsJson?: string } = {}): Plugin {
  const path = options.modelsJson ?? 'public/models.json';
  return {
    name: 'trove-csp',
    // Build only: the dev server and Vitest inject inline scripts and websocket clients of their own.
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        const config = validateModelsConfig(JSON.parse(readFileSync(path, 'utf8')), path);
        if (html.includes('http-equiv="Content-Security-Policy"'))
          throw new Error('index.html already has a CSP <meta>; the build writes it (scripts/vite/csp.ts)');
        const anchor = /<meta charset="[^"]*"\s*\/?>/i.exec(html) ?? /<head>/i.exec(html);
        if (!anchor) throw new Error('index.html has no <head>');
        const at = anchor.index + anchor[0].length;
        return `${html.slice(0, at)}\n    ${cspMetaTag(config)}${html.slice(at)}`;
      },
    },
  };
}

/**
 * `vite preview` sends the header form of the policy, as README "Hosting the build" asks of a host, made
 * from the models.json it serves (`<outDir>/models.json`), so `npm run preview` runs the app as it should
 * be hosted. A config that sets its own Content-Security-Policy in `preview.headers` keeps it (the e2e
 * tier's, made from the fixture models.json it serves).
 */
export function cspPreviewPlugin(): Plugin {
  return {
    name: 'trove-csp-preview',
    configurePreviewServer(server) {
      const own = Object.keys(server.config.preview.headers ?? {}).some(
        (name) => name.toLowerCase() === 'content-security-policy',
      );
      if (own) return;
      const path = join(resolve(server.config.root, server.config.build.outDir), 'models.json');
      if (!existsSync(path))
        throw new Error(
          `${path} is missing: the preview's Content-Security-Policy is made from it (npm run build)`,
        );
      const header = cspHeader(validateModelsConfig(JSON.parse(readFileSync(path, 'utf8')), path));
      server.middlewares.use((_req, res, next) => {
        res.setHeader('Content-Security-Policy', header);
        next();
      });
    },
  };
}
