// The Vite config of the full test server (tests/support/remix-server.ts): the Remix
// plugin, which the project's vite.config.ts leaves out under Vitest, and no HMR.
import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

export default defineConfig({
  logLevel: "error",
  server: { middlewareMode: true, hmr: false, watch: null },
  plugins: [
    remix({
      future: { v3_fetcherPersist: true, v3_relativeSplatPath: true, v3_throwAbortReason: true, v3_singleFetch: true, v3_lazyRouteDiscovery: true },
    }),
    tsconfigPaths(),
  ],
  optimizeDeps: { noDiscovery: true, include: [] },
  ssr: { external: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "@prisma/adapter-pg", "pg"] },
});
