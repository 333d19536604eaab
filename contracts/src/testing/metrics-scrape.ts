import { parseMetrics, type Scrape } from "../metrics/metrics-text.js";

/** GET /metrics of a service's metrics listener, parsed. */
export async function scrapeMetrics(port: number, host = "127.0.0.1"): Promise<Scrape> {
  const response = await fetch(`http://${host}:${port}/metrics`);
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  return parseMetrics(await response.text());
}
