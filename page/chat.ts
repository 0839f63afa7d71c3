/** Entry of the demo's chat page (bundled to dist/page/chat.js by `npm run build`). */
import { ChatApp } from "./chat/ChatApp";
import { wireChatKitSwitch } from "./chat/chatkitSwitch";

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`page/index.html has no #${id}`);
  return element as T;
}

const status = byId("status");
const app = new ChatApp({
  messages: byId("messages"),
  threads: byId("threads"),
  composer: byId<HTMLFormElement>("composer"),
  input: byId<HTMLTextAreaElement>("message"),
  newThread: byId<HTMLButtonElement>("new-thread"),
  status,
});
wireChatKitSwitch(
  byId<HTMLInputElement>("use-chatkit"),
  byId("built-in"),
  byId("chatkit-host"),
  (message) => {
    status.dataset["level"] = "error";
    status.textContent = message;
  },
);
void app.start();
