import { mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { firstValueFrom, timer } from "rxjs";
import { watchFiles } from "../../../lib/cli/watchFiles";

/** watchFiles over the real file system: fs events cannot be virtualised, so these wait for real time. */
const dir = mkdtempSync(join(tmpdir(), "chatkit-rx-watch-"));
const file = join(dir, "card.widget");
writeFileSync(file, "1");
const settle = () => firstValueFrom(timer(150));

it("emits once for a burst of writes, and again for a save by rename (as editors do)", async () => {
  let count = 0;
  const subscription = watchFiles([file], 50).subscribe(() => count++);
  await settle();
  writeFileSync(file, "2");
  writeFileSync(file, "3");
  writeFileSync(file, "4");
  await settle();
  expect(count).toBe(1);
  writeFileSync(join(dir, "card.widget.tmp"), "5");
  renameSync(join(dir, "card.widget.tmp"), file);
  await settle();
  expect(count).toBe(2);
  subscription.unsubscribe();
});

it("ignores other files of the folder, and stops watching when unsubscribed", async () => {
  let count = 0;
  const subscription = watchFiles([file], 20).subscribe(() => count++);
  await settle();
  writeFileSync(join(dir, "other.json"), "{}");
  await settle();
  expect(count).toBe(0);
  subscription.unsubscribe();
  writeFileSync(file, "6");
  await settle();
  expect(count).toBe(0);
});
