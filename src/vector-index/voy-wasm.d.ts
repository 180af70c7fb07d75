// vite-plugin-wasm turns the .wasm import into its instance's exports; voy's memory is read for stats.
declare module 'voy-search/voy_search_bg.wasm' {
  export const memory: WebAssembly.Memory;
}
