import type { ThreadMetadata } from "../../lib/events/threadItems";

/**
 * Draws the thread list of the side bar: one button per thread (newest
 * first, as `threads.list` answers), the current one marked.
 *
 * @param container Where the list goes (its content is replaced).
 * @param threads The threads, as `threads.list` answered them.
 * @param currentId The thread shown now, if any.
 * @param open Called with the thread the user picked.
 */
export function renderThreadList(
  container: HTMLElement,
  threads: readonly ThreadMetadata[],
  currentId: string | undefined,
  open: (threadId: string) => void,
): void {
  container.replaceChildren(
    ...threads.map((thread) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "ck-thread-link";
      button.dataset["threadId"] = thread.id;
      if (thread.id === currentId) button.setAttribute("aria-current", "true");
      const title = document.createElement("span");
      title.textContent = thread.title ?? "Untitled thread";
      const when = document.createElement("small");
      when.textContent = new Date(thread.created_at).toLocaleString();
      button.append(title, when);
      button.addEventListener("click", () => open(thread.id));
      return button;
    }),
  );
  if (threads.length === 0) {
    const empty = document.createElement("p");
    empty.className = "ck-caption";
    empty.textContent = "No threads yet.";
    container.append(empty);
  }
}
