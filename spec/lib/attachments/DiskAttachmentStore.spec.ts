import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { DiskAttachmentStore } from "../../../lib/attachments/DiskAttachmentStore";
import { StoreNotFoundError } from "../../../lib/errors";

describe("DiskAttachmentStore", () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), "chatkit-attachments-"));
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  it("writes, reads back the exact bytes, replaces and deletes, leaving no temporary file", async () => {
    const store = new DiskAttachmentStore({ directory: join(directory, "made-on-first-write") });
    const bytes = new Uint8Array([0, 1, 2, 255, 254]);
    await store.write("atc_1", bytes);
    expect(await store.read("atc_1")).toEqual(bytes);
    await store.write("atc_1", new Uint8Array([9]));
    expect(await store.read("atc_1")).toEqual(new Uint8Array([9]));
    expect(await readdir(join(directory, "made-on-first-write"))).toEqual(["atc_1"]);
    await store.delete("atc_1");
    await expect(store.read("atc_1")).rejects.toBeInstanceOf(StoreNotFoundError);
    await store.delete("atc_1");
    expect(await readdir(join(directory, "made-on-first-write"))).toEqual([]);
  });

  it("reading what was never written is a StoreNotFoundError naming the attachment", async () => {
    const store = new DiskAttachmentStore({ directory });
    await expect(store.read("atc_none")).rejects.toMatchObject({ entity: "attachment", id: "atc_none" });
  });

  it("a write that fails leaves neither the file nor its temporary copy", async () => {
    const store = new DiskAttachmentStore({ directory });
    // A directory where the file should go: the rename fails after the temporary file was written.
    await store.write("atc_x", new Uint8Array([1]));
    await rm(join(directory, "atc_x"));
    await mkdir(join(directory, "atc_x"));
    await writeFile(join(directory, "atc_x", "inside"), "x");
    await expect(store.write("atc_x", new Uint8Array([2]))).rejects.toThrow();
    expect((await readdir(directory)).filter((name) => name.endsWith(".part"))).toEqual([]);
  });

  it("refuses ids that are not plain names (no path escapes) with a TypeError", async () => {
    const store = new DiskAttachmentStore({ directory });
    for (const id of ["../etc/passwd", "a/b", "", ".hidden", "x".repeat(129)]) {
      await expect(store.write(id, new Uint8Array([1]))).rejects.toThrow(TypeError);
      await expect(store.read(id)).rejects.toThrow(/DiskAttachmentStore: attachment id/);
    }
    expect(await readdir(directory)).toEqual([]);
    expect(() => new DiskAttachmentStore({ directory: "" })).toThrow(TypeError);
  });
});
