import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The API owns the root paths of the one origin; the app lives under /app/ (see README, The web app).
export default defineConfig({
  base: "/app/",
  plugins: [react()],
  resolve: { alias: { "@": fileURLToPath(new URL("src", import.meta.url)) } },
  build: { outDir: "dist", assetsDir: "assets", sourcemap: false },
  server: {
    port: 5173,
    // `npm run dev -w web`: the API through the gateway of `make dev`, so the app keeps one origin.
    proxy: Object.fromEntries(
      ["/auth", "/customers", "/files", "/folders", "/shares", "/usage", "/trash", "/notifications", "/admin"].map(
        (path) => [path, { target: process.env.COFFER_GATEWAY ?? "http://127.0.0.1:8000", changeOrigin: false }],
      ),
    ),
  },
});
