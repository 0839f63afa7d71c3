import type { ThreadStreamEvent } from "../../lib/events/threadEvents";
import type { Page, ThreadItem, ThreadMetadata } from "../../lib/events/threadItems";
import type { ActionConfig } from "../../widgets/actions";
import { ChatKitClient, type ChatKitRequestBody } from "../protocol/ChatKitClient";
import { formScope, formValues } from "../widgets/formValues";
import { mayLoad } from "./mayLoad";
import { renderThreadList } from "./threadList";
import { ThreadView } from "./ThreadView";

/** The parts of page/index.html the chat drives. */
export interface ChatElements {
  readonly messages: HTMLElement;
  readonly threads: HTMLElement;
  readonly composer: HTMLFormElement;
  readonly input: HTMLTextAreaElement | HTMLInputElement;
  readonly newThread: HTMLButtonElement;
  readonly status: HTMLElement;
}

const THREAD_HASH = /^#thread=(.+)$/;

/**
 * The built-in chat: a ChatKit client in plain DOM. Every exchange with the
 * server is a ChatKit request on `/chatkit` (PROTOCOL §4), the same ones the
 * ChatKit web component sends; the current thread lives in the URL hash, so
 * a reload opens it again from the store.
 */
export class ChatApp {
  private threadId: string | undefined;
  private readonly view: ThreadView;

  constructor(
    private readonly elements: ChatElements,
    private readonly client = new ChatKitClient(),
  ) {
    this.view = new ThreadView(elements.messages, {
      fireAction: (action, source) => this.fireAction(action, source),
      mayLoad,
    });
    elements.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = elements.input.value.trim();
      if (text === "") return;
      elements.input.value = "";
      void this.send(text);
    });
    elements.input.addEventListener("keydown", (event) => {
      const key = event as KeyboardEvent;
      if (key.key === "Enter" && !key.shiftKey && !key.isComposing) {
        key.preventDefault();
        elements.composer.requestSubmit();
      }
    });
    elements.newThread.addEventListener("click", () => this.showNewThread());
  }

  /** Lists the threads and opens the one named in the URL, if any. */
  async start(): Promise<void> {
    const match = THREAD_HASH.exec(window.location.hash);
    await (match?.[1] === undefined ? this.refreshThreads() : this.open(decodeURIComponent(match[1])));
    document.body.dataset["ready"] = "true";
  }

  async open(threadId: string): Promise<void> {
    await this.guard(async () => {
      const thread = await this.client.request<ThreadMetadata>({
        type: "threads.get_by_id",
        params: { thread_id: threadId },
      });
      const items: ThreadItem[] = [];
      let after: string | undefined;
      for (;;) {
        const page: Page<ThreadItem> = await this.client.request({
          type: "items.list",
          params: {
            thread_id: threadId,
            order: "asc",
            limit: 100,
            ...(after === undefined ? {} : { after }),
          },
        });
        items.push(...page.data);
        if (!page.has_more || page.after === undefined) break;
        after = page.after;
      }
      this.setThread(thread.id);
      this.view.reset(items);
    });
    await this.refreshThreads();
  }

  private showNewThread(): void {
    this.setThread(undefined);
    this.view.reset([]);
    void this.refreshThreads();
    this.elements.input.focus();
  }

  private setThread(threadId: string | undefined): void {
    this.threadId = threadId;
    const hash = threadId === undefined ? "" : `#thread=${encodeURIComponent(threadId)}`;
    if (window.location.hash !== hash)
      history.replaceState(null, "", hash === "" ? window.location.pathname : hash);
  }

  private async refreshThreads(): Promise<void> {
    await this.guard(async () => {
      const page = await this.client.request<Page<ThreadMetadata>>({
        type: "threads.list",
        params: { order: "desc", limit: 50 },
      });
      renderThreadList(this.elements.threads, page.data, this.threadId, (id) => void this.open(id));
    });
  }

  /** Sends the composer's text: a new thread's first message, or the next one of the current thread. */
  async send(text: string): Promise<void> {
    const input = { content: [{ type: "input_text", text }], attachments: [], inference_options: {} };
    await this.run(
      this.threadId === undefined
        ? { type: "threads.create", params: { input } }
        : { type: "threads.add_user_message", params: { thread_id: this.threadId, input } },
    );
    await this.refreshThreads();
  }

  /**
   * Sends a widget's action as `threads.custom_action` from the item that
   * holds `source`, with the values of the form around it merged into the
   * payload (PROTOCOL §2). Client-handled actions stay in the page.
   */
  async fireAction(action: ActionConfig, source: HTMLElement): Promise<void> {
    const payload = { ...(action.payload ?? {}), ...formValues(formScope(source)) };
    if (action.handler === "client") {
      this.showStatus("info", `Client action ${action.type}: ${JSON.stringify(payload)}`);
      return;
    }
    const itemId = source.closest<HTMLElement>("[data-item-id]")?.dataset["itemId"];
    if (this.threadId === undefined) return;
    await this.run({
      type: "threads.custom_action",
      params: { thread_id: this.threadId, item_id: itemId ?? null, action: { ...action, payload } },
    });
  }

  private async run(body: ChatKitRequestBody): Promise<void> {
    await this.guard(async () => {
      this.showStatus("busy", "Responding…");
      for await (const event of this.client.stream(body)) this.handle(event);
      if (this.elements.status.dataset["level"] === "busy") this.showStatus("idle", "");
    });
  }

  private handle(event: ThreadStreamEvent): void {
    switch (event.type) {
      case "thread.created":
        this.setThread(event.thread.id);
        void this.refreshThreads(); // the side bar shows the new thread while its first answer streams
        break;
      case "error":
        this.showStatus("error", event.message ?? `Error (${event.code})`);
        break;
      case "notice":
        this.showStatus(event.level === "danger" ? "error" : "info", event.message);
        break;
      case "progress_update":
        this.showStatus("busy", event.text);
        break;
      default:
        this.view.apply(event);
    }
  }

  private async guard(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.showStatus("error", error instanceof Error ? error.message : String(error));
    }
  }

  private showStatus(level: "idle" | "busy" | "info" | "error", text: string): void {
    this.elements.status.dataset["level"] = level;
    this.elements.status.textContent = text;
  }
}
