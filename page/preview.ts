/**
 * Entry of `chatkit-rx preview` (bundled to dist/page/preview.js): draws one
 * widget file with the chat's renderer, and draws it again whenever the
 * preview server says the file (or its data) changed.
 */
import { mayLoad } from "./chat/mayLoad";
import { formScope, formValues } from "./widgets/formValues";
import { renderWidget } from "./widgets/renderWidget";

/** What GET /widget.json answers: the built widget, or the error text `check` would print. */
type PreviewState =
  { readonly file: string; readonly widget: unknown } | { readonly file: string; readonly error: string };

const target = document.getElementById("widget") as HTMLElement;
const errorBox = document.getElementById("error") as HTMLElement;
const title = document.getElementById("file") as HTMLElement;
const log = document.getElementById("actions") as HTMLElement;
let renders = 0;

async function draw(): Promise<void> {
  const state = (await (await fetch("widget.json", { cache: "no-store" })).json()) as PreviewState;
  title.textContent = state.file;
  document.title = `${state.file} · chatkit-rx preview`;
  if ("error" in state) {
    errorBox.textContent = state.error;
    errorBox.hidden = false;
    target.replaceChildren();
  } else {
    errorBox.hidden = true;
    target.replaceChildren(
      renderWidget(state.widget, {
        mayLoad,
        fireAction: (action, source) => {
          // No server behind a preview: show what ChatKit would send.
          const payload = { ...(action.payload ?? {}), ...formValues(formScope(source)) };
          const line = document.createElement("li");
          line.textContent = `${action.type} ${JSON.stringify(payload)}`;
          log.prepend(line);
          return Promise.resolve();
        },
      }),
    );
  }
  document.body.dataset["renders"] = String(++renders);
}

new EventSource("events").addEventListener("message", () => void draw());
void draw();
