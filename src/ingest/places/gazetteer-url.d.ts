// The URL of the offline gazetteer, made by scripts/vite/gazetteer.ts (a build asset, or a dev-server path).
declare module 'virtual:trove-gazetteer' {
  const url: string;
  export default url;
}
