// GET /files for a customer with 100,000 files, under load (autocannon, 50 connections): the
// first page by name, a page further on (a cursor), and a name search, each run beside
// GET /health/live of the same file-service, run after run. The files are seeded straight into
// file-service's tables: the listing reads only the rows.
import autocannon from "autocannon";
import pg from "pg";
import type { BenchPlatform } from "./lib/platform.js";
import { median, round, type BenchResult, type Row } from "./lib/report.js";

export type FileListingOptions = { files: number; durationSeconds: number; connections: number; runs?: number };

const WORDS = [
  "invoice",
  "report",
  "holiday",
  "photo",
  "contract",
  "budget",
  "meeting-notes",
  "resume",
  "scan",
  "presentation",
  "tax-return",
  "receipt",
];
const EXTENSIONS = [".pdf", ".jpg", ".docx", ".xlsx", ".png", ".txt", ".mp4"];
const SEARCH = "invoice-2019";

async function seed(platform: BenchPlatform, customerId: string, files: number) {
  const pool = new pg.Pool({ connectionString: platform.fileDatabaseUrl, max: 1 });
  try {
    const { rows } = await pool.query<{ root_folder_id: string }>(
      "SELECT root_folder_id FROM customers WHERE id = $1",
      [customerId],
    );
    // e.g. "invoice-2019-03 1234.pdf": words to search, years and months, a number to keep names unique
    await pool.query(
      `INSERT INTO files (id, customer_id, folder_id, name, current_version, size, content_type, sha256, created_at, updated_at)
       SELECT gen_random_uuid(), $1, $2,
              ($4::text[])[1 + i % cardinality($4::text[])] || '-' || (2015 + (i / 7) % 10) || '-' ||
                lpad((1 + (i / 3) % 12)::text, 2, '0') || ' ' || i || ($5::text[])[1 + i % cardinality($5::text[])],
              1, (i * 7919) % 50000000, 'application/octet-stream', md5(i::text) || md5(i::text),
              now() - i * interval '1 minute', now() - i * interval '1 minute'
         FROM generate_series(1, $3::int) AS i`,
      [customerId, rows[0]!.root_folder_id, files, WORDS, EXTENSIONS],
    );
    await pool.query("ANALYZE files");
    const plans: Record<string, string> = {};
    for (const [name, where] of [
      ["list", ""],
      ["search", `AND lower(name) LIKE '%${SEARCH}%'`],
    ] as const) {
      const plan = await pool.query(
        `EXPLAIN ANALYZE SELECT * FROM files WHERE customer_id = $1 AND trashed_at IS NULL ${where}
          ORDER BY lower(name) ASC, id ASC LIMIT 51`,
        [customerId],
      );
      plans[name] = plan.rows.map((r: Record<string, string>) => r["QUERY PLAN"]).join("\n");
    }
    return plans;
  } finally {
    await pool.end();
  }
}

function load(url: string, token: string, options: FileListingOptions) {
  return autocannon({
    url,
    connections: options.connections,
    duration: options.durationSeconds,
    headers: { authorization: `Bearer ${token}` },
  }).then((result) => {
    if (result.non2xx > 0 || result.errors > 0)
      throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    return { perSecond: result.requests.average, p50Ms: result.latency.p50, p99Ms: result.latency.p99 };
  });
}

export async function runFileListing(platform: BenchPlatform, options: FileListingOptions): Promise<BenchResult> {
  const { token, customerId } = await platform.login();
  const auth = { authorization: `Bearer ${token}` };
  // The customer's row and root folder come with a first upload.
  const form = new FormData();
  form.append("file", new Blob(["x"]), "first.txt");
  const first = await fetch(`${platform.fileUrl}/files`, { method: "POST", headers: auth, body: form });
  if (first.status !== 201) throw new Error(`upload answered ${first.status}: ${await first.text()}`);
  const plans = await seed(platform, customerId, options.files);
  const page = (await (await fetch(`${platform.fileUrl}/files?limit=50`, { headers: auth })).json()) as {
    nextCursor: string;
  };
  // A page well into the list: 20 pages on.
  let cursor = page.nextCursor;
  for (let i = 0; i < 19; i += 1) {
    const next = (await (
      await fetch(`${platform.fileUrl}/files?limit=50&cursor=${cursor}`, { headers: auth })
    ).json()) as { nextCursor: string };
    cursor = next.nextCursor;
  }
  const subjects = {
    "GET /files, first page of 50 by name": `${platform.fileUrl}/files?limit=50`,
    "GET /files, a page 20 pages in (cursor)": `${platform.fileUrl}/files?limit=50&cursor=${cursor}`,
    [`GET /files?q=${SEARCH} (name search)`]: `${platform.fileUrl}/files?limit=50&q=${SEARCH}`,
  };
  const health = `${platform.fileUrl}/health/live`;
  type Figures = Awaited<ReturnType<typeof load>>;
  const raw: Record<string, { subject: Figures[]; baseline: Figures[] }> = {};
  for (const what of Object.keys(subjects)) raw[what] = { subject: [], baseline: [] };
  for (let run = 0; run < (options.runs ?? 3); run += 1) {
    for (const [what, url] of Object.entries(subjects)) {
      raw[what]!.baseline.push(await load(health, token, options));
      raw[what]!.subject.push(await load(url, token, options));
    }
  }
  const rows: Row[] = Object.entries(raw).map(([what, { subject, baseline }]) => {
    const p99 = median(subject.map((s) => s.p99Ms));
    return {
      what: `${what}, ${options.files.toLocaleString("en")} files, ${options.connections} connections`,
      baseline: "GET /health/live",
      ratios: subject.map((s, i) => s.perSecond / baseline[i]!.perSecond),
      target: { kind: "at-most", value: 25, unit: "ms p99" },
      measured: p99,
      context: `p99 ${p99} ms (health ${median(baseline.map((b) => b.p99Ms))} ms), ${round(median(subject.map((s) => s.perSecond)), 0)} vs ${round(median(baseline.map((b) => b.perSecond)), 0)} req/s`,
    };
  });
  return { rows, raw: { runs: raw, plans } };
}
