import type { ThreadStreamEvent } from "../../lib/events/threadEvents";
import type { ThreadItem } from "../../lib/events/threadItems";
import { applyThreadEvent } from "../../lib/reducer/applyThreadEvent";
import type { RenderContext } from "../widgets/WidgetNode";
import { renderItem } from "./renderItem";

/**
 * The items of one thread and their DOM. Items are rebuilt with the
 * library's own reducer (`applyThreadEvent`), which shares unchanged items
 * between states, so only the items an event changed are drawn again: a
 * streaming token redraws one widget, not the thread.
 */
export class ThreadView {
  private items: readonly ThreadItem[] = [];
  private readonly drawn = new Map<string, { item: ThreadItem; element: HTMLElement }>();

  constructor(
    private readonly container: HTMLElement,
    private readonly context: RenderContext,
  ) {}

  /** Shows `items` (a thread just loaded), replacing whatever was shown. */
  reset(items: readonly ThreadItem[]): void {
    this.items = items;
    this.drawn.clear();
    this.container.replaceChildren();
    this.draw();
  }

  /** Applies one stream event; throws `WidgetUpdateError` when it does not fit the items. */
  apply(event: ThreadStreamEvent): void {
    const next = applyThreadEvent(this.items, event);
    if (next === this.items) return;
    this.items = next;
    this.draw();
  }

  get currentItems(): readonly ThreadItem[] {
    return this.items;
  }

  private draw(): void {
    const seen = new Set<string>();
    let previous: Element | null = null;
    for (const item of this.items) {
      seen.add(item.id);
      const shown = this.drawn.get(item.id);
      let element: HTMLElement;
      if (shown === undefined || shown.item !== item) {
        element = renderItem(item, this.context);
        shown?.element.replaceWith(element);
        this.drawn.set(item.id, { item, element });
      } else element = shown.element;
      const expectedPlace: Element | null =
        previous === null ? this.container.firstElementChild : previous.nextElementSibling;
      if (expectedPlace !== element) {
        if (previous === null) this.container.prepend(element);
        else previous.after(element);
      }
      previous = element;
    }
    for (const [id, { element }] of this.drawn) {
      if (!seen.has(id)) {
        element.remove();
        this.drawn.delete(id);
      }
    }
    this.container.scrollTop = this.container.scrollHeight;
  }
}
