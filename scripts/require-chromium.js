import { chromiumPath, missingChromiumMessage } from './chromium-path.js';

if (!chromiumPath()) {
  console.error(missingChromiumMessage);
  process.exit(1);
}
