// A stand-in for a self-hosted model host, used by the e2e tier: serves test/fixtures/models/ on its own
// origin with CORS, as a real model host (or the Hub) does. Usage: node scripts/serve-fixture-models.js [port] [dir]
// A dir serves another folder in the same layout, e.g. the real-size models (scripts/realsize/README.md).
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.argv[3]
  ? resolve(process.argv[3]) + sep
  : fileURLToPath(new URL('../test/fixtures/models/', import.meta.url));
const port = Number(process.argv[2] ?? 4174);
/** @type {Record<string, string>} */
const types = { '.json': 'application/json', '.onnx': 'application/octet-stream', '.txt': 'text/plain' };

createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(
    /^(\.\.[/\\])+/,
    '',
  );
  const file = join(root, path);
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  let size = -1;
  try {
    const st = statSync(file);
    if (st.isFile() && file.startsWith(root)) size = st.size;
  } catch {
    // falls through to 404
  }
  if (size < 0) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, {
    'Content-Type': types[extname(file)] ?? 'application/octet-stream',
    'Content-Length': size,
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}).listen(port, () => console.log(`models in ${root} on http://localhost:${port}/`));
