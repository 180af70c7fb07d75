// The e2e tier's `vite preview`: the build served as README "Hosting the build" asks, with the isolation
// headers and the Content-Security-Policy as a header, which, unlike the <meta>, also governs the workers.
// Its connect-src is made from the fixture models.json the e2e tier serves in place of the shipped one
// (fixture-world.ts), as `npm run preview` makes it from dist/models.json (cspPreviewPlugin), plus the
// model folders of the cone world, which one spec serves instead.
import base from '../../vite.config.ts';
import { isolationHeaders } from '../../scripts/vite/isolation-headers.ts';
import { previewCspHeader } from './fixture-world.ts';

export default {
  ...base,
  root: new URL('../..', import.meta.url).pathname,
  preview: {
    headers: { ...isolationHeaders, 'Content-Security-Policy': previewCspHeader() },
  },
};
