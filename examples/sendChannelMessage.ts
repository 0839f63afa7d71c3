import type { Observable } from "rxjs";
import { streamWidget, toServerSentEvents, type ThreadStreamEvent } from "chatkit-rx";
import { channelMessage, exampleThread } from "./channelMessage";

/** A finished widget, sent once: a single `thread.item.done`. */
export function sendChannelMessage(userName: string, message: string): Observable<ThreadStreamEvent> {
  const widget = channelMessage.build({ user_name: userName, channel: "hogwarts", message });
  return streamWidget(exampleThread, widget, { copyText: `Message to ${userName}: ${message}` });
}

if (require.main === module) {
  sendChannelMessage("Harry Potter", "Yer a wizard, Harry")
    .pipe(toServerSentEvents())
    .subscribe((frame) => process.stdout.write(frame));
}
