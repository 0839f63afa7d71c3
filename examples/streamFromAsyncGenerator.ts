import type { Observable } from "rxjs";
import { streamWidget, toServerSentEvents, type ThreadStreamEvent, type WidgetRoot } from "chatkit-rx";
import { channelMessage, exampleThread } from "./channelMessage";

/** Stands in for a model streaming text: yields words after a short pause. */
export async function* draftWords(text: string, pauseMs = 0): AsyncGenerator<string> {
  for (const word of text.split(/(?<= )/)) {
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    yield word;
  }
}

/**
 * Successive widget states from an async generator, as in the seed: each
 * state rebuilds the widget with the longer message; `streamWidget` sends
 * `added`, then only the text deltas, then `done`. The builds go through
 * one `streamBuilder()` per stream, which keeps this stream's parsed card
 * from one build to the next (`build` alone shares a few cards among every
 * caller, which concurrent streams with their own data outgrow).
 */
export function streamDraftFromGenerator(text: string, pauseMs = 0): Observable<ThreadStreamEvent> {
  async function* states(): AsyncGenerator<WidgetRoot> {
    const card = channelMessage.streamBuilder();
    let message = "";
    for await (const word of draftWords(text, pauseMs)) {
      message += word;
      yield card.build({
        user_name: "Harry Potter",
        channel: "hogwarts",
        message,
        streaming: true,
      });
    }
    yield card.build({ user_name: "Harry Potter", channel: "hogwarts", message, streaming: false });
  }
  return streamWidget(exampleThread, states(), { copyText: text });
}

if (require.main === module) {
  streamDraftFromGenerator("Dear Harry, the Quidditch match is moved to Saturday. Bring your broom.", 50)
    .pipe(toServerSentEvents())
    .subscribe((frame) => process.stdout.write(frame));
}
