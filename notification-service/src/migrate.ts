import { runMigrations } from "@coffer/contracts/pg";
import { loadMigrationUrl } from "./config.js";

await runMigrations({
  name: "notification-service",
  loadUrl: loadMigrationUrl,
  directory: new URL("../migrations/", import.meta.url),
});
