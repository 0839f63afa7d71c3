import { concatMap, delay, from, of, tap, type Observable } from "rxjs";
import {
  applyThreadEvent,
  throttleTextDeltas,
  toServerSentEvents,
  type ThreadItem,
  type ThreadStreamEvent,
} from "chatkit-rx";
import { sendChannelMessage } from "./sendChannelMessage";
import { streamDraftFromTokens } from "./streamFromTokens";

/**
 * The main job (`npm start`): streams the seed's channel-message widget to
 * stdout as Server-Sent Event frames, exactly as a ChatKit client receives
 * them: first a finished widget, then one whose message arrives token by
 * token (a scripted "model", no API key). At the end, the frames are
 * replayed through the client-side reducer to show what the browser holds.
 */
export const DRAFT =
  "Dear Harry, Professor McGonagall asked me to tell you that Quidditch practice moves to Saturday at ten. " +
  "Bring your broom, your gloves and, if you can find it, the Marauder's Map. — Hermione";

/** Splits text into model-like tokens: words with their trailing space, long words in pieces. */
export function tokenize(text: string): string[] {
  return text.split(/(?<= )/).flatMap((word) => word.match(/.{1,6}/gsu) ?? []);
}

export function demoEvents(tokenMs: number): Observable<ThreadStreamEvent> {
  const tokens = from(tokenize(DRAFT)).pipe(concatMap((token) => of(token).pipe(delay(tokenMs))));
  // Tokens come faster than a browser needs repaints: deltas are coalesced per 100 ms, losing nothing.
  const draft = streamDraftFromTokens(tokens).pipe(throttleTextDeltas({ windowMs: 100 }));
  return from([sendChannelMessage("Harry Potter", "Yer a wizard, Harry"), draft]).pipe(
    concatMap((events) => events),
  );
}

export function runDemo(tokenMs: number, write: (text: string) => void): Promise<readonly ThreadItem[]> {
  return new Promise((resolve, reject) => {
    const sent: ThreadStreamEvent[] = [];
    let bytes = 0;
    demoEvents(tokenMs)
      .pipe(
        tap((event) => sent.push(event)),
        toServerSentEvents(),
      )
      .subscribe({
        next: (frame) => {
          bytes += Buffer.byteLength(frame);
          write(frame);
        },
        error: reject,
        complete: () => {
          // The events just sent, through the client's reducer: what the browser now holds.
          const items = sent.reduce<readonly ThreadItem[]>(applyThreadEvent, []);
          write(
            `# ${sent.length} frames, ${bytes} bytes; the client now holds ${items.length} widget items.\n`,
          );
          resolve(items);
        },
      });
  });
}

if (require.main === module) {
  const tokenMs = Number(process.env["DEMO_TOKEN_MS"] ?? 40);
  runDemo(tokenMs, (text) => process.stdout.write(text)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
