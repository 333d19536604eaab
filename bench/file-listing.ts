// GET /files under load (autocannon, 50 connections) for customers of 10,000, 100,000 and
// 1,000,000 files (BENCH_FILES): the first page by name, a page further on (a cursor), and a name
// search, each run beside GET /health/live of the same file-service, run after run; then how each
// grows with the files. The files are seeded straight into file-service's tables (the listing
// reads only the rows), in one statement per customer.
import autocannon from "autocannon";
import pg from "pg";
import type { BenchPlatform } from "./lib/platform.js";
import { startPeer } from "./lib/peer.js";
import { median, round, type BenchResult, type Row } from "./lib/report.js";

export type FileListingOptions = { sizes: number[]; durationSeconds: number; connections: number; runs?: number };

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

/**
 * The customers' files, seeded with the table's secondary indexes dropped and built again after:
 * a million rows in one statement, then each index sorted once, instead of a million insertions
 * into each (minutes for the trigram index). Ids are sequential, so the primary key is appended to.
 */
async function seed(platform: BenchPlatform, customers: { customerId: string; files: number }[]) {
  const client = new pg.Client({ connectionString: platform.fileDatabaseUrl });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query("SET LOCAL maintenance_work_mem = '256MB'");
    const { rows: indexes } = await client.query<{ name: string; definition: string }>(
      `SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS definition
         FROM pg_index WHERE indrelid = 'files'::regclass AND NOT indisprimary`,
    );
    for (const { name } of indexes) await client.query(`DROP INDEX ${name}`);
    for (const [n, { customerId, files }] of customers.entries()) {
      // e.g. "invoice-2019-03 1234.pdf": words to search, years and months, a number to keep names unique
      await client.query(
        `INSERT INTO files (id, customer_id, folder_id, name, current_version, size, content_type, sha256, created_at, updated_at)
         SELECT (lpad(to_hex($5::int), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid,
                c.id, c.root_folder_id,
                ($3::text[])[1 + i % cardinality($3::text[])] || '-' || (2015 + (i / 7) % 10) || '-' ||
                  lpad((1 + (i / 3) % 12)::text, 2, '0') || ' ' || i || ($4::text[])[1 + i % cardinality($4::text[])],
                1, (i::bigint * 7919) % 50000000, 'application/octet-stream', md5(i::text) || md5(i::text),
                now() - i * interval '1 minute', now() - i * interval '1 minute'
           FROM customers c, generate_series(1, $2::int) AS i WHERE c.id = $1`,
        [customerId, files, WORDS, EXTENSIONS, n + 1],
      );
    }
    for (const { definition } of indexes) await client.query(definition);
    await client.query("COMMIT");
    await client.query("VACUUM ANALYZE files");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    await client.end();
  }
}

/** EXPLAIN (ANALYZE, BUFFERS) of the statements a first page and a search run, as file-service sends them. */
async function explain(platform: BenchPlatform, customerId: string) {
  const pool = new pg.Pool({ connectionString: platform.fileDatabaseUrl, max: 1 });
  const where = "customer_id = $1 AND trashed_at IS NULL";
  const order = "ORDER BY lower(name) ASC, id ASC";
  const like = `lname LIKE '%${SEARCH}%'`;
  const candidates = `SELECT id, lower(name) AS lname, lower(name) AS sort_key FROM files`;
  const pageOf = (found: string) =>
    `SELECT f.*, lower(name) AS sort_value
       FROM (SELECT id, sort_key FROM ${found} ORDER BY sort_key ASC, id ASC LIMIT 51) page
       JOIN files f USING (id) ORDER BY page.sort_key ASC, id ASC`;
  const statements = {
    list: `SELECT *, lower(name) AS sort_value FROM files WHERE ${where} ${order} LIMIT 51`,
    "search, name order first": pageOf(
      `(SELECT * FROM (${candidates} WHERE ${where} ${order} LIMIT 10000) walk WHERE ${like}) matched`,
    ),
    "search, trigram index": `WITH found AS MATERIALIZED (SELECT * FROM (${candidates} WHERE ${where}) c WHERE ${like}) ${pageOf("found")}`,
  };
  try {
    const plans: Record<string, string> = {};
    for (const [name, sql] of Object.entries(statements)) {
      const plan = await pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, [customerId]);
      plans[name] = plan.rows.map((r: Record<string, string>) => r["QUERY PLAN"]).join("\n");
    }
    return plans;
  } finally {
    await pool.end();
  }
}

function load(url: string, headers: Record<string, string>, options: FileListingOptions) {
  return autocannon({ url, connections: options.connections, duration: options.durationSeconds, headers }).then(
    (result) => {
      if (result.non2xx > 0 || result.errors > 0)
        throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      return { perSecond: result.requests.average, p50Ms: result.latency.p50, p99Ms: result.latency.p99 };
    },
  );
}

type Figures = Awaited<ReturnType<typeof load>>;
type Runs = { subject: Figures[]; baseline: Figures[]; bare: Figures[] };

/** A customer with `files` files, ready to be listed: its token and the URL of each subject. */
async function customerWith(platform: BenchPlatform) {
  const { email } = await platform.register();
  const { token, customerId } = await platform.login(email);
  const auth = { authorization: `Bearer ${token}` };
  // The customer's row and root folder come with a first upload.
  const form = new FormData();
  form.append("file", new Blob(["x"]), "first.txt");
  const first = await fetch(`${platform.fileUrl}/files`, { method: "POST", headers: auth, body: form });
  if (first.status !== 201) throw new Error(`upload answered ${first.status}: ${await first.text()}`);
  return { token, customerId, auth };
}

async function subjectsOf(platform: BenchPlatform, auth: Record<string, string>) {
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
  return {
    "GET /files, first page of 50 by name": `${platform.fileUrl}/files?limit=50`,
    "GET /files, a page 20 pages in (cursor)": `${platform.fileUrl}/files?limit=50&cursor=${cursor}`,
    [`GET /files?q=${SEARCH} (name search)`]: `${platform.fileUrl}/files?limit=50&q=${SEARCH}`,
  };
}

const TARGET_P99_MS = { list: 25, search: 50 };
const isSearch = (what: string) => what.includes("?q=");

export async function runFileListing(platform: BenchPlatform, options: FileListingOptions): Promise<BenchResult> {
  const customers = [];
  for (const files of options.sizes) customers.push({ files, ...(await customerWith(platform)) });
  const seedStarted = Date.now();
  await seed(platform, customers);
  const seedSeconds = round((Date.now() - seedStarted) / 1000, 1);
  const health = `${platform.fileUrl}/health/live`;
  const bare = await startPeer(new URL("./lib/bare-listing.ts", import.meta.url), {
    DATABASE_URL: platform.fileDatabaseUrl,
  });
  const raw: Record<number, Record<string, Runs>> = {};
  const plans: Record<number, Record<string, string>> = {};
  const rows: Row[] = [];
  try {
    for (const { files, customerId, auth } of customers) {
      plans[files] = await explain(platform, customerId);
      const subjects = await subjectsOf(platform, auth);
      const runs: Record<string, Runs> = {};
      for (const what of Object.keys(subjects)) runs[what] = { subject: [], baseline: [], bare: [] };
      for (let run = 0; run < (options.runs ?? 3); run += 1) {
        for (const [what, url] of Object.entries(subjects)) {
          const { pathname, search } = new URL(url);
          runs[what]!.baseline.push(await load(health, auth, options));
          runs[what]!.subject.push(await load(url, auth, options));
          runs[what]!.bare.push(
            await load(`${bare.url}${pathname}${search}`, { "x-customer-id": customerId }, options),
          );
        }
      }
      raw[files] = runs;
      rows.push(...sizeRows(runs, files, options.connections));
    }
  } finally {
    await bare.stop();
  }
  rows.push(...growthRows(raw, options.sizes));
  return { rows, raw: { runs: raw, plans, seedSeconds } };
}

/** A size's rows: each subject against GET /health/live (its target), then against the bare peer. */
function sizeRows(runs: Record<string, Runs>, files: number, connections: number): Row[] {
  const rows: Row[] = [];
  for (const [what, { subject, baseline, bare }] of Object.entries(runs)) {
    const p99 = median(subject.map((s) => s.p99Ms));
    const perSecond = (figures: Figures[]) => round(median(figures.map((f) => f.perSecond)), 0);
    const label = `${what}, ${files.toLocaleString("en")} files, ${connections} connections`;
    rows.push(
      {
        what: label,
        baseline: "GET /health/live",
        ratios: subject.map((s, i) => s.perSecond / baseline[i]!.perSecond),
        target: { kind: "at-most", value: isSearch(what) ? TARGET_P99_MS.search : TARGET_P99_MS.list, unit: "ms p99" },
        measured: p99,
        context: `p99 ${p99} ms (health ${median(baseline.map((b) => b.p99Ms))} ms), ${perSecond(subject)} vs ${perSecond(baseline)} req/s`,
      },
      {
        what: `${label}, against file-service's own listFiles on a bare node:http server (no auth, no Fastify)`,
        baseline: "bare node:http + pg",
        ratios: subject.map((s, i) => s.perSecond / bare[i]!.perSecond),
        context: `p99 ${p99} vs ${median(bare.map((b) => b.p99Ms))} ms, ${perSecond(subject)} vs ${perSecond(bare)} req/s`,
      },
    );
  }
  return rows;
}

/**
 * How each subject's p99 grows with the files, one row each: the curve over the sizes, and the
 * largest size's p99 over the one before it (the listing must stay within 2×, a search may not).
 */
function growthRows(raw: Record<number, Record<string, Runs>>, sizes: number[]): Row[] {
  if (sizes.length < 2) return [];
  const [previous, largest] = sizes.slice(-2) as [number, number];
  return Object.keys(raw[largest]!).map((what) => {
    const p99 = (files: number) => median(raw[files]![what]!.subject.map((s) => s.p99Ms));
    const growth = round(p99(largest) / p99(previous));
    return {
      what: `growth: ${what}, p99 at ${sizes.map((n) => n.toLocaleString("en")).join(" / ")} files`,
      baseline: "—",
      ratios: [],
      ...(isSearch(what)
        ? {}
        : { target: { kind: "at-most" as const, value: 2, unit: `× the ${previous.toLocaleString("en")}-file p99` } }),
      measured: growth,
      context: `${sizes.map((n) => `${p99(n)} ms`).join(" / ")}; ${largest.toLocaleString("en")} ÷ ${previous.toLocaleString("en")}: ${growth}×`,
    };
  });
}
