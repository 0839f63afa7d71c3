import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { EMPTY } from "rxjs";

import type { Thread } from "../../../lib/events/threadItems";
import { ChatKitServer } from "../../../lib/server/ChatKitServer";
import type { Store } from "../../../lib/server/Store";
import { toNodeHandler } from "../../../lib/server/toNodeHandler";
import { MemoryStore } from "../../../lib/stores/MemoryStore";
import { PostgresStore } from "../../../lib/stores/postgres/PostgresStore";
import { pgliteDatabase, type TestDatabase } from "../../helpers/postgresEngines";
import { readEvents } from "../server/sse";
import { input } from "../../helpers/userInput";

interface User {
  readonly userId: string;
}

/** Two users against one ChatKit server over real HTTP; the user comes from a request header, as a getContext would. */
function twoUsersOver(name: string, makeStore: () => Store<User> | Promise<Store<User>>): void {
  describe(`two users over HTTP: ${name}`, () => {
    let http: Server;
    let url: string;
    beforeAll(async () => {
      const chatkit = new ChatKitServer<User>({
        store: await makeStore(),
        respond: () => EMPTY,
        action: () => EMPTY,
      });
      http = createServer(toNodeHandler(chatkit, (req) => ({ userId: String(req.headers["x-user"]) })));
      await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
      url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
    });
    afterAll(() => new Promise<void>((resolve) => http.close(() => resolve())));

    const post = (user: string, body: unknown): Promise<Response> =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-user": user },
        body: JSON.stringify(body),
      });

    it("bob cannot list, read, post to, act on, rename or delete alice's thread; alice's is unchanged", async () => {
      let threadId = "";
      await readEvents(
        await post("alice", { type: "threads.create", params: { input: input("mine") } }),
        (event) => {
          if (event.type === "thread.created") threadId = event.thread.id;
          return undefined;
        },
      );
      await post("alice", { type: "threads.update", params: { thread_id: threadId, title: "Alice's" } });
      const before = await (
        await post("alice", { type: "threads.get_by_id", params: { thread_id: threadId } })
      ).json();

      const list = await post("bob", { type: "threads.list", params: { limit: 10, order: "desc" } });
      expect([list.status, ((await list.json()) as { data: unknown[] }).data]).toEqual([200, []]);
      const attempts = [
        { type: "threads.get_by_id", params: { thread_id: threadId } },
        { type: "items.list", params: { thread_id: threadId, limit: 10, order: "asc" } },
        { type: "threads.update", params: { thread_id: threadId, title: "Bob's now" } },
        { type: "threads.delete", params: { thread_id: threadId } },
        { type: "threads.add_user_message", params: { thread_id: threadId, input: input("hi, it's bob") } },
        {
          type: "threads.custom_action",
          params: { thread_id: threadId, action: { type: "x", payload: {} } },
        },
        { type: "threads.list", params: { limit: 10, order: "asc", after: threadId } },
      ];
      for (const attempt of attempts) {
        const response = await post("bob", attempt);
        const body = (await response.json()) as { error?: { code?: string } };
        expect([attempt.type, response.status, body.error?.code]).toEqual([attempt.type, 404, "not_found"]);
      }

      const after = (await (
        await post("alice", { type: "threads.get_by_id", params: { thread_id: threadId } })
      ).json()) as Thread;
      expect(after).toEqual(before);
      expect(after.title).toBe("Alice's");
      expect(after.items.data.map((item) => item.type)).toEqual(["user_message"]);
    });
  });
}

twoUsersOver("MemoryStore", () => new MemoryStore<User>({ owner: (user) => user.userId }));

let database: TestDatabase | undefined;
afterAll(() => database?.close());
twoUsersOver("PostgresStore on PGlite", async () => {
  database = await pgliteDatabase();
  return new PostgresStore<User>({ driver: database.driver(), owner: (user) => user.userId });
});
