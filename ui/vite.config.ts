import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The UI reads its strings from ../assets/i18n (shared with the Rust core), so the dev server may
// serve the repository root. Nothing is fetched remotely: the app runs offline.
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  server: { port: 5173, strictPort: true, fs: { allow: [".."] } },
  build: { target: "safari15", outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 4096 },
  test: { environment: "jsdom", include: ["src/**/*.test.{ts,tsx}"] },
});
