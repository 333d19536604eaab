import { randomUUID } from "node:crypto";
import type { TestDatabase, TokenIssuer } from "@coffer/contracts/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFileService, type RunningFileService } from "./fixture.js";

let service: RunningFileService;
let db: TestDatabase, issuer: TokenIssuer, app: FastifyInstance, base: string;

beforeAll(async () => {
  service = await startFileService();
  ({ db, issuer, app, base } = service);
});
afterAll(async () => {
  await service?.close();
});

/**
 * A customer with 11,500 files besides `first.txt`: "alpha-NNNNN.txt", then (in name order, after
 * more names than a search walks in order) "Zeta Middle-NNNNN.pdf" every tenth one, "zeta-NNNNN.txt"
 * the rest.
 */
async function customerWithManyFiles() {
  const customerId = randomUUID();
  const auth = { authorization: `Bearer ${await issuer.token(customerId)}` };
  const form = new FormData();
  form.append("file", new Blob(["x"]), "first.txt");
  expect((await fetch(`${base}/files`, { method: "POST", headers: auth, body: form })).status).toBe(201);
  await db.pool.query(
    `INSERT INTO files (id, customer_id, folder_id, name, current_version, size, content_type, sha256)
     SELECT gen_random_uuid(), c.id, c.root_folder_id,
            CASE WHEN i <= 10600 THEN 'alpha-' || lpad(i::text, 5, '0') || '.txt'
                 WHEN i % 10 = 0 THEN 'Zeta Middle-' || lpad(i::text, 5, '0') || '.pdf'
                 ELSE 'zeta-' || lpad(i::text, 5, '0') || '.txt' END,
            1, i, 'text/plain', repeat('0', 64)
       FROM customers c, generate_series(1, 11500) AS i WHERE c.id = $1`,
    [customerId],
  );
  await db.pool.query("ANALYZE files");
  return { customerId, auth };
}

/** Every page of a search, by the cursors the service hands out. */
async function searchAll(auth: Record<string, string>, q: string, sort = "name", order = "asc") {
  const names: string[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `/files?q=${encodeURIComponent(q)}&sort=${sort}&order=${order}&limit=50${cursor ? `&cursor=${cursor}` : ""}`;
    const page = await app.inject({ url, headers: auth });
    expect(page.statusCode).toBe(200);
    names.push(...page.json().files.map((f: { name: string }) => f.name));
    cursor = page.json().nextCursor;
  } while (cursor);
  return names;
}

/** What the search must answer: PostgreSQL's own order of every name containing `part`, any case. */
async function expected(customerId: string, part: string, order = "lower(name) ASC, id ASC") {
  const { rows } = await db.pool.query<{ name: string }>(
    `SELECT name FROM files WHERE customer_id = $1 AND trashed_at IS NULL AND strpos(lower(name), lower($2)) > 0 ORDER BY ${order}`,
    [customerId, part],
  );
  return rows.map((r) => r.name);
}

describe("name search", () => {
  it("when a part of a name is searched, then every file whose name contains it is found, in order, page after page", async () => {
    const { customerId, auth } = await customerWithManyFiles();
    // A part in the middle of names that all sort after ten thousand others; a part most names
    // hold; a part met a few times among the first ten thousand names and again further on; a
    // part met only in the alpha files; case ignored.
    for (const part of ["TA MIDDLE-1", "dle-114", "-0", "99", "pha-10", "a-1149"]) {
      const want = await expected(customerId, part);
      expect(want.length).toBeGreaterThan(0);
      expect({ part, found: await searchAll(auth, part) }).toEqual({ part, found: want });
    }
    expect(await searchAll(auth, "middle", "name", "desc")).toEqual(
      await expected(customerId, "middle", "lower(name) DESC, id DESC"),
    );
    expect(await searchAll(auth, "middle", "size", "asc")).toEqual(
      await expected(customerId, "middle", "size ASC, id ASC"),
    );
  });

  it("when the search holds LIKE's wildcards, then they are matched as themselves", async () => {
    const { auth } = await customerWithManyFiles();
    expect(await searchAll(auth, "%")).toEqual([]);
    expect(await searchAll(auth, "zeta_0")).toEqual([]);
  });
});
