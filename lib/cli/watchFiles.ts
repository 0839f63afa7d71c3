import { watch } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { asyncScheduler, debounceTime, Observable, type SchedulerLike } from "rxjs";

/**
 * Emits once after any of `files` changes (a burst of changes, as an editor
 * saving makes, counts once: `debounceTime(quietMs)`).
 *
 * Why the folders and not the files: editors often save by writing a new
 * file and renaming it over the old one, which ends a watch on the file
 * itself after the first save.
 *
 * ```
 * fs events: --c-c-c--------c--
 * emitted:   ------------v-----(v after quietMs of calm)
 * ```
 *
 * @param files The files to watch.
 * @param quietMs How long the files must stay unchanged before the emission. Default 50.
 * @param scheduler Where the quiet period is timed. Default `asyncScheduler`.
 */
export function watchFiles(
  files: readonly string[],
  quietMs = 50,
  scheduler: SchedulerLike = asyncScheduler,
): Observable<void> {
  const names = new Map<string, Set<string>>();
  for (const file of files.map((f) => resolve(f))) {
    const folder = dirname(file);
    names.set(folder, (names.get(folder) ?? new Set()).add(basename(file)));
  }
  const changes = new Observable<void>((subscriber) => {
    const watchers = [...names].map(([folder, watched]) =>
      watch(folder, (_event, name) => {
        if (name === null || watched.has(name.toString())) subscriber.next();
      }).on("error", (error) => subscriber.error(error)),
    );
    return () => watchers.forEach((watcher) => watcher.close());
  });
  return changes.pipe(debounceTime(quietMs, scheduler));
}
