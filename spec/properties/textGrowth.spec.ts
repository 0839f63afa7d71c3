import fc from "fast-check";
import { from, map, pairwise } from "rxjs";

import { applyWidgetUpdate } from "../../lib/reducer/applyWidgetUpdate";
import { accumulateText } from "../../operators/accumulateText";
import { diffWidgetStates } from "../../operators/diffWidgets";
import type { WidgetRoot } from "../../widgets/components";

/**
 * The diff takes a text's delta from `accumulateText` while it emits that
 * text (`operators/internal/textGrowth`) instead of comparing the texts.
 * Whatever the widget makes of the text (shows it, shows another string,
 * shows it in two places, or a text from an earlier step), the updates must
 * still rebuild every state.
 */
const stepArb = fc.record({
  token: fc.string({ maxLength: 4 }),
  /** What the `a` text shows: the accumulated text, another string, or the text of an earlier step. */
  shown: fc.oneof(
    fc.constant<"text">("text"),
    fc.string({ maxLength: 6 }),
    fc.nat(5).map((back) => ({ back })),
  ),
  /** Whether `b` shows the accumulated text too. */
  twice: fc.boolean(),
  streaming: fc.boolean(),
});

describe("diffing the texts accumulateText emits", () => {
  it.each([false, true])("rebuilds every state (componentUpdates: %s)", (componentUpdates) => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 30 }), (steps) => {
        const texts: string[] = [];
        const shown = (text: string, index: number): string => {
          texts.push(text);
          const how = steps[index]!.shown;
          if (how === "text") return text;
          if (typeof how === "string") return how;
          return texts[Math.max(0, texts.length - 1 - how.back)]!;
        };
        const states: WidgetRoot[] = [];
        let client: WidgetRoot | undefined;
        const rebuilt: WidgetRoot[] = [];
        from(steps.map((step) => step.token))
          .pipe(
            accumulateText(),
            map((text, index) => {
              const { twice, streaming } = steps[index]!;
              const state = {
                type: "Card",
                children: [
                  { type: "Text", id: "a", value: shown(text, index), streaming },
                  { type: "Markdown", id: "b", value: twice ? text : "", streaming },
                ],
              } as unknown as WidgetRoot;
              states.push(state);
              return state;
            }),
            pairwise(),
            // Diffed inside the emission, as toThreadEvents does.
            map(([prev, next]) => diffWidgetStates(prev, next, { componentUpdates })),
          )
          .subscribe((updates) => {
            client = updates.reduce(applyWidgetUpdate, client ?? states[0]!);
            rebuilt.push(client);
          });
        // Asserted here: a throw inside `subscribe` would be reported asynchronously, not fail the property.
        expect(rebuilt).toEqual(states.slice(1));
      }),
      { numRuns: 500 },
    );
  });
});
