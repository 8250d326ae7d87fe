import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The Tauri shell serves ui/dist in builds and this dev server (fixed port) in `tauri dev`.
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: "dist",
    target: "es2022",
    chunkSizeWarningLimit: 2000,
  },
});
