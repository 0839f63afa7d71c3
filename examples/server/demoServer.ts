/**
 * A ChatKit server you can point the ChatKit web component at, with no API
 * key: a scripted "model", and threads kept in embedded PostgreSQL (PGlite in
 * `.data/chatkit`, git-ignored; `DATABASE_URL` switches to a server) when
 * run with `npm start`, in memory when tests start it.
 *
 * - `respond` streams the seed's channel-message widget, its text arriving
 *   token by token (accumulateText → renderTemplate → toThreadEvents), then
 *   a reactions card with buttons.
 * - `action` answers the buttons by updating that card: the payload is
 *   checked with `ofActionType`, the updates come from `diffWidgetStates`,
 *   and the server saves them, so a reload shows the new count.
 *
 * With `OPENAI_API_KEY` set, a real `@openai/agents` agent answers instead
 * of the scripted model (examples/agents/respond.ts: the seed's tools show
 * the sample widget and stream a draft into the channel-message card), with
 * the thread so far as its input; `OPENAI_BASE_URL` points it at another
 * Responses API endpoint.
 *
 * Run: `npm start` (PORT defaults to 8000) and open http://127.0.0.1:8000/:
 * the chat page served here talks ChatKit to POST /chatkit, as the ChatKit
 * web component would.
 *
 * Attachments: with `attachmentsDirectory` (under `CHATKIT_DATA_DIR` with
 * `npm start`) the demo takes images and text files by the ChatKit
 * two-phase upload, and the scripted reply says what it read of each.
 *
 * Users: each request's user is the `x-user-id` header ("demo" when absent),
 * and the store keeps each user's threads apart. The demo has NO
 * authentication: anyone can send any header and so read any user's
 * threads. A real deployment takes the user from a verified session or token.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Pool } from "pg";
import {
  asyncScheduler,
  concat,
  concatMap,
  filter,
  from,
  map,
  merge,
  Observable,
  of,
  switchMap,
  timer,
  type SchedulerLike,
} from "rxjs";
import { z } from "zod";
import { respond as agentRespond } from "../agents/respond";
import {
  ChatKitServer,
  createPageHandler,
  MemoryStore,
  PostgresStore,
  fromPGlite,
  fromPgPool,
  type Store,
  ofActionType,
  toNodeHandler,
  accumulateText,
  diffWidgetStates,
  renderTemplate,
  toThreadEvents,
  WidgetTemplate,
  type HandlerOptions,
  type ThreadStreamEvent,
  type ThreadMetadata,
  type UserMessageItem,
  type WidgetItem,
  type Action,
  type WidgetRoot,
} from "chatkit-rx";
import { loadAgentInput, ThreadItemConverter } from "chatkit-rx/agents";

/** The per-request context: the user the request is for (from `x-user-id`, unauthenticated). */
export interface DemoContext {
  readonly userId: string;
}

/** The header the demo takes the user from, and the user when it is absent. */
export const USER_HEADER = "x-user-id";
export const DEFAULT_USER = "demo";

/** Each user's threads are theirs: the demo's stores are scoped by this. */
export const ownerOfDemoContext = (context: DemoContext): string => context.userId;

/**
 * The user of a request: the `x-user-id` header, trusted as sent (the demo has no authentication),
 * "demo" when it is absent or empty.
 */
export function demoContextOf(req: IncomingMessage): DemoContext {
  const header = req.headers[USER_HEADER];
  const userId = (Array.isArray(header) ? header[0] : header)?.trim();
  return { userId: userId ? userId : DEFAULT_USER };
}

const ChannelMessageData = z.object({
  user_name: z.string(),
  channel: z.string(),
  message: z.string(),
  streaming: z.boolean().optional(),
});

const channelMessage = WidgetTemplate.fromFile("../widgets/channel_message.widget", {
  baseDir: __dirname,
  schema: ChannelMessageData,
});

/** The scripted model's answer, split into tokens the way a model streams them. */
export function scriptedTokens(userText: string, attached = ""): string[] {
  const reply = `You said: "${userText}".${attached} Scripted reply, token by token.`;
  return reply.split(/(?<= )/);
}

/** The reactions card; the count travels in the button payloads (and is checked when it comes back). */
export function reactionsCard(likes: number): WidgetRoot {
  return {
    type: "Card",
    size: "sm",
    children: [
      { type: "Text", id: "likes", value: likes === 1 ? "1 like" : `${likes} likes` },
      {
        type: "Row",
        gap: 2,
        children: [
          {
            type: "Button",
            id: "like",
            label: "👍 Like",
            onClickAction: { type: "demo.like", payload: { likes } },
          },
          {
            type: "Button",
            id: "reset",
            label: "Reset",
            variant: "outline",
            onClickAction: { type: "demo.reset", payload: {} },
          },
        ],
      },
    ],
  };
}

function userText(message: UserMessageItem | null): string {
  if (message === null) return "(no message)";
  return (
    message.content
      .map((part) => part.text)
      .join(" ")
      .trim() || "(empty)"
  );
}

/** Options of {@link createDemoServer}. */
export interface DemoServerConfig {
  /** Pause before each token, in ms. Default 40 (so the streaming is visible). */
  readonly tokenDelayMs?: number;
  /** Where the pauses are timed. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Called when the token stream stops (done or cancelled): lets tests see that a disconnect stops the "model". */
  readonly onModelStopped?: () => void;
  /**
   * Where threads live. Default a `MemoryStore` scoped by user (gone on exit); `npm start` keeps them in
   * PostgreSQL. Give a store scoped with {@link ownerOfDemoContext} so users do not see each other's threads.
   */
  readonly store?: Store<DemoContext>;
  /** Who answers: the scripted model (default), or the seed's agent on the OpenAI API (needs `OPENAI_API_KEY`). */
  readonly model?: "scripted" | "openai";
  /** Where attachment bytes are kept (a directory); without it the demo takes no attachments. */
  readonly attachmentsDirectory?: string;
  /** How long a request waits for its thread while another request holds it (ChatKitServer's `threadBusyWaitMs`). */
  readonly threadBusyWaitMs?: number;
}

/** The demo's ChatKitServer: scripted respond, reactions action. */
export function createDemoServer(config: DemoServerConfig = {}): ChatKitServer<DemoContext> {
  const delay = config.tokenDelayMs ?? 40;
  const scheduler = config.scheduler ?? asyncScheduler;
  const store = config.store ?? new MemoryStore<DemoContext>({ owner: ownerOfDemoContext });

  const scriptedRespond = (
    thread: ThreadMetadata,
    message: UserMessageItem | null,
    context: DemoContext,
    options: HandlerOptions,
  ): Observable<ThreadStreamEvent> => {
    // What it read of each attachment: proof the bytes reached the handler.
    const attached = from(
      Promise.all(
        (message?.attachments ?? []).map(async (attachment) => {
          const bytes = await options.readAttachment(attachment.id);
          return ` You attached ${attachment.name} (${bytes.byteLength} bytes).`;
        }),
      ),
    );
    const tokens = attached.pipe(
      switchMap((notes) => from(scriptedTokens(userText(message), notes.join("")))),
      concatMap((token) => timer(delay, scheduler).pipe(map(() => token))),
    );
    const texts = new Observable<string>((subscriber) => {
      const subscription = tokens.pipe(accumulateText()).subscribe(subscriber);
      return () => {
        subscription.unsubscribe();
        config.onModelStopped?.();
      };
    });
    let last = "";
    const states = concat(
      texts.pipe(map((text) => ((last = text), { message: text, streaming: true }))),
      // One last state marks the Markdown as finished (a root update with `streaming: false`).
      of(null).pipe(map(() => ({ message: last, streaming: false }))),
    );
    const generateId = () => store.generateItemId("message", thread, context);
    const messageWidget = states.pipe(
      renderTemplate(channelMessage, (state: { message: string; streaming: boolean }) => ({
        user_name: "Scripted model",
        channel: "demo",
        message: state.message,
        streaming: state.streaming,
      })),
      toThreadEvents(thread, { generateId, copyText: () => last }),
    );
    // A finished widget is sent as one `thread.item.done` (as streamWidget does for a single root).
    const reactions = of(reactionsCard(0)).pipe(
      toThreadEvents(thread, { generateId }),
      filter((event) => event.type === "thread.item.done"),
    );
    return concat(messageWidget, reactions);
  };

  const action = (
    _thread: ThreadMetadata,
    incoming: Action,
    sender: WidgetItem | null,
  ): Observable<ThreadStreamEvent> => {
    if (sender === null)
      return of({ type: "notice", level: "warning", message: "This action needs the widget that sent it." });
    const actions = of(incoming);
    const like = actions.pipe(
      ofActionType("demo.like", z.object({ likes: z.number().int().min(0).max(1_000_000) })),
      map(({ payload }) => reactionsCard(payload.likes + 1)),
    );
    const reset = actions.pipe(
      ofActionType("demo.reset", z.object({})),
      map(() => reactionsCard(0)),
    );
    return merge(like, reset).pipe(
      concatMap((next) =>
        diffWidgetStates(sender.widget, next).map((update): ThreadStreamEvent => ({
          type: "thread.item.updated",
          item_id: sender.id,
          update,
        })),
      ),
    );
  };

  // The agent gets the thread so far, so it remembers earlier turns.
  const respond =
    config.model === "openai"
      ? (
          thread: ThreadMetadata,
          _message: UserMessageItem | null,
          context: DemoContext,
          options: HandlerOptions,
        ) => {
          // Attachments go to the model inline, their bytes read from the demo's attachment store.
          const converter = new ThreadItemConverter({
            readAttachment: (attachment) => options.readAttachment(attachment.id),
          });
          return from(loadAgentInput(store, thread, context, { maxTokens: 50_000, converter })).pipe(
            switchMap((input) => agentRespond(thread, input)),
          );
        }
      : scriptedRespond;
  return new ChatKitServer<DemoContext>({
    store,
    respond,
    action,
    ...(config.attachmentsDirectory === undefined
      ? {}
      : {
          attachments: {
            url: "/chatkit",
            directory: config.attachmentsDirectory,
            owner: ownerOfDemoContext,
            maxBytes: 10 * 1024 * 1024,
          },
        }),
    ...(config.threadBusyWaitMs === undefined ? {} : { threadBusyWaitMs: config.threadBusyWaitMs }),
  });
}

/** CORS for a local ChatKit page on another port; a real deployment restricts the origin. */
function cors(res: ServerResponse): void {
  res.setHeader("access-control-allow-origin", "*");
  res.setHeader("access-control-allow-headers", `content-type, authorization, ${USER_HEADER}`);
  res.setHeader("access-control-allow-methods", "POST, OPTIONS");
}

/**
 * The HTTP server: `GET /` is the chat page (and `/assets/...` its bundle), `POST /chatkit` goes to
 * ChatKit, `OPTIONS` answers preflights, anything else is 404.
 */
export function createDemoHttpServer(chatkit: ChatKitServer<DemoContext>): Server {
  const handle = toNodeHandler(chatkit, demoContextOf);
  const page = createPageHandler();
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    if (page(req, res)) return;
    cors(res);
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/chatkit") {
      res
        .writeHead(404, { "content-type": "application/json" })
        .end('{"error":{"code":"not_found","message":"POST /chatkit"}}');
    } else if (req.method === "OPTIONS") {
      res.writeHead(204).end();
    } else {
      handle(req, res);
    }
  });
}

/** Starts the demo on `host:port` (port 0 picks a free one); resolves with its URL and a `close`. */
export async function startDemoServer(
  options: { readonly port?: number; readonly host?: string } & DemoServerConfig = {},
): Promise<{ url: string; chatkit: ChatKitServer<DemoContext>; close: () => Promise<void> }> {
  const chatkit = createDemoServer(options);
  const http = createDemoHttpServer(chatkit);
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port ?? 8000, host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/chatkit`,
    chatkit,
    close: () =>
      new Promise<void>((resolve, reject) => {
        http.closeAllConnections();
        http.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

if (require.main === module) {
  const port = Number(process.env["PORT"] ?? "8000");
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number, got ${process.env["PORT"]}`);
    process.exit(1);
  }
  // Embedded PostgreSQL (PGlite) in a git-ignored data directory, so a restart keeps every thread;
  // DATABASE_URL switches to a PostgreSQL server.
  const databaseUrl = process.env["DATABASE_URL"];
  const dataDir = process.env["CHATKIT_DATA_DIR"] ?? join(__dirname, "../../.data/chatkit");
  if (!databaseUrl) mkdirSync(dataDir, { recursive: true });
  const store = new PostgresStore<DemoContext>({
    owner: ownerOfDemoContext,
    driver: databaseUrl
      ? fromPgPool(new Pool({ connectionString: databaseUrl }))
      : fromPGlite(new PGlite(dataDir)),
  });
  const model = process.env["OPENAI_API_KEY"] ? "openai" : "scripted";
  // Migrating first makes a database that cannot be opened fail here, with its own error.
  store
    .migrate()
    .then(() => startDemoServer({ port, model, store, attachmentsDirectory: join(dataDir, "attachments") }))
    .then(
      ({ url }) =>
        console.log(
          `chatkit-rx demo: open ${new URL("/", url).href} (` +
            (model === "openai" ? "the OpenAI agent answers" : "the scripted model answers") +
            `; threads are kept in ${databaseUrl ? "DATABASE_URL" : dataDir})`,
        ),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
}
