import { connect, map, merge, of, takeLast, type Observable } from "rxjs";
import {
  accumulateText,
  renderTemplate,
  toServerSentEvents,
  toThreadEvents,
  type ThreadStreamEvent,
} from "chatkit-rx";
import { channelMessage, exampleThread } from "./channelMessage";

/**
 * The same widget from an Observable of tokens, as one pipe: tokens grow a
 * text, the text renders the widget, the widget's states become thread
 * events. When the tokens end, the last text renders once more with
 * `streaming: false`, which closes the text stream on the client.
 */
export function streamDraftFromTokens(tokens: Observable<string>): Observable<ThreadStreamEvent> {
  return tokens.pipe(
    accumulateText(),
    connect((texts) =>
      merge(
        texts.pipe(map((message) => ({ message, streaming: true }))),
        texts.pipe(
          takeLast(1),
          map((message) => ({ message, streaming: false })),
        ),
      ),
    ),
    renderTemplate(channelMessage, (draft) => ({ user_name: "Harry Potter", channel: "hogwarts", ...draft })),
    toThreadEvents(exampleThread),
  );
}

if (require.main === module) {
  const tokens = of("Dear ", "Harry", ", the ", "match ", "is ", "on ", "Saturday", ".");
  streamDraftFromTokens(tokens)
    .pipe(toServerSentEvents())
    .subscribe((frame) => process.stdout.write(frame));
}
