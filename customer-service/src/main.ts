import { runService } from "@coffer/contracts/http";
import { buildApp } from "./app.js";
import { loadConfig } from "./config.js";

await runService({ name: "customer-service", loadConfig, buildApp });
