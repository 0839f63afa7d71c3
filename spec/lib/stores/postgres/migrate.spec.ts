import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { PGlite } from "@electric-sql/pglite";

import { StoreSchemaError } from "../../../../lib/errors";
import { fromPGlite } from "../../../../lib/stores/postgres/fromPGlite";
import { PostgresStore } from "../../../../lib/stores/postgres/PostgresStore";

const T0 = "2025-01-01T00:00:00.000Z";
let db: PGlite;

beforeAll(async () => {
  db = await PGlite.create();
});
afterAll(() => db.close());

const versions = async (schema: string): Promise<number[]> =>
  (
    await db.query<{ version: number }>(`SELECT version FROM "${schema}".chatkit_schema_version ORDER BY 1`)
  ).rows.map((row) => row.version);

describe("PostgresStore migrations", () => {
  it("creates its tables on first use, in the schema it is given", async () => {
    const store = new PostgresStore({ driver: fromPGlite(db), schema: "first_use" });
    await store.createThread({ id: "thr_1", created_at: T0, status: { type: "active" } }, undefined);
    const tables = await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'first_use' ORDER BY 1`,
    );
    expect(tables.rows.map((row) => row.table_name)).toEqual([
      "chatkit_attachment_bytes",
      "chatkit_attachments",
      "chatkit_items",
      "chatkit_schema_version",
      "chatkit_thread_leases",
      "chatkit_threads",
    ]);
    expect(await versions("first_use")).toEqual([1, 2]);
  });

  it("migrates once when several stores start at once, and again is a no-op", async () => {
    const stores = Array.from(
      { length: 4 },
      () => new PostgresStore({ driver: fromPGlite(db), schema: "racing" }),
    );
    expect(await Promise.all(stores.map((store) => store.migrate()))).toEqual([2, 2, 2, 2]);
    expect(await new PostgresStore({ driver: fromPGlite(db), schema: "racing" }).migrate()).toBe(2);
    expect(await versions("racing")).toEqual([1, 2]);
  });

  it("refuses a schema newer than it knows with StoreSchemaError, and retries on the next call", async () => {
    const store = new PostgresStore({ driver: fromPGlite(db), schema: "newer" });
    await store.migrate();
    await db.query(`INSERT INTO newer.chatkit_schema_version (version) VALUES (3)`);
    const later = new PostgresStore({ driver: fromPGlite(db), schema: "newer" });
    const failure = later.loadThreads({ limit: 1, order: "asc" }, undefined);
    await expect(failure).rejects.toBeInstanceOf(StoreSchemaError);
    await expect(failure).rejects.toMatchObject({ schema: "newer", found: 3, known: 2 });
    await db.query(`DELETE FROM newer.chatkit_schema_version WHERE version = 3`);
    await expect(later.loadThreads({ limit: 1, order: "asc" }, undefined)).resolves.toEqual({
      data: [],
      has_more: false,
    });
  });

  it("moves a version-1 database forward to 2 (attachments), keeping its threads", async () => {
    const first = new PostgresStore({ driver: fromPGlite(db), schema: "upgraded" });
    await first.createThread({ id: "thr_1", created_at: T0, status: { type: "active" } }, undefined);
    // Back to what version 1 left: no attachment tables, version 2 not recorded.
    await db.exec(`DROP TABLE upgraded.chatkit_attachments, upgraded.chatkit_attachment_bytes;
      DELETE FROM upgraded.chatkit_schema_version WHERE version = 2`);
    expect(await versions("upgraded")).toEqual([1]);
    const later = new PostgresStore({ driver: fromPGlite(db), schema: "upgraded" });
    const record = {
      attachment: { type: "file" as const, id: "atc_1", name: "a.txt", mime_type: "text/plain" },
      size: 1,
      uploaded: false,
    };
    await later.saveAttachment(record, undefined);
    expect(await versions("upgraded")).toEqual([1, 2]);
    expect(await later.loadAttachment("atc_1", undefined)).toEqual(record);
    expect((await later.loadThread("thr_1", undefined)).id).toBe("thr_1");
  });

  it("throws a TypeError for a schema name that is not a plain identifier, or a missing driver", () => {
    expect(() => new PostgresStore({ driver: fromPGlite(db), schema: 'x"; DROP TABLE y; --' })).toThrow(
      new TypeError(
        'PostgresStore: schema must be a plain identifier (letters, digits, _; at most 63), got "x\\"; DROP TABLE y; --"',
      ),
    );
    expect(() => new PostgresStore({} as never)).toThrow(TypeError);
  });
});

describe("PostgresStore on a PGlite data directory", () => {
  it("keeps threads and items across a restart", async () => {
    const dir = await mkdtemp(join(tmpdir(), "chatkit-pglite-"));
    try {
      const first = await PGlite.create(dir);
      const store = new PostgresStore({ driver: fromPGlite(first) });
      await store.createThread(
        { id: "thr_1", created_at: T0, status: { type: "active" }, title: "Kept" },
        undefined,
      );
      await store.addThreadItem(
        "thr_1",
        { type: "hidden_context_item", id: "hcx_1", thread_id: "thr_1", created_at: T0, content: "note" },
        undefined,
      );
      await first.close();

      const second = await PGlite.create(dir);
      const reopened = new PostgresStore({ driver: fromPGlite(second) });
      expect(await reopened.loadThread("thr_1", undefined)).toMatchObject({ title: "Kept" });
      expect(await reopened.loadItem("thr_1", "hcx_1", undefined)).toMatchObject({ content: "note" });
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
