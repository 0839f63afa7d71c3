import { CHATKIT_SCRIPT_URL } from "./chatkitScriptUrl";

interface ChatKitElement extends HTMLElement {
  setOptions(options: { api: { url: string; domainKey: string } }): void;
}

let loading: Promise<void> | undefined;

function loadScript(): Promise<void> {
  loading ??= new Promise<void>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = CHATKIT_SCRIPT_URL;
    script.async = true;
    script.addEventListener("load", () => resolve());
    script.addEventListener("error", () => {
      loading = undefined;
      reject(new Error(`could not load ${CHATKIT_SCRIPT_URL} (are you online?)`));
    });
    document.head.append(script);
  });
  return loading;
}

/**
 * Wires the "Use the real ChatKit" switch: when on, the built-in view is
 * hidden and an `<openai-chatkit>` element, pointed at this server's
 * `/chatkit`, takes its place; when off, the built-in view comes back.
 *
 * @param toggle The checkbox.
 * @param builtIn The built-in chat view.
 * @param host Where the ChatKit element goes.
 * @param report Shows a failure (offline, blocked).
 */
export function wireChatKitSwitch(
  toggle: HTMLInputElement,
  builtIn: HTMLElement,
  host: HTMLElement,
  report: (message: string) => void,
): void {
  toggle.checked = false; // the built-in view is the default, always
  toggle.addEventListener("change", () => {
    if (!toggle.checked) {
      host.hidden = true;
      builtIn.hidden = false;
      return;
    }
    loadScript().then(
      () => {
        if (host.firstElementChild === null) {
          const chatkit = document.createElement("openai-chatkit") as ChatKitElement;
          chatkit.setOptions({
            api: { url: new URL("/chatkit", window.location.href).href, domainKey: "local-dev" },
          });
          host.append(chatkit);
        }
        builtIn.hidden = true;
        host.hidden = false;
      },
      (error: Error) => {
        toggle.checked = false;
        report(error.message);
      },
    );
  });
}
