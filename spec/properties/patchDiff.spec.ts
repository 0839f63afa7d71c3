import fc from "fast-check";
import { from, lastValueFrom, toArray } from "rxjs";

import { applyWidgetUpdate } from "../../lib/reducer/applyWidgetUpdate";
import { diffWidgetPatches, type PatchedWidget } from "../../operators/diffPatchedWidgets";
import { diffWidgetStates, type DiffWidgetsConfig } from "../../operators/diffWidgets";
import { produceWidgets } from "../../operators/produceWidgets";
import type { WidgetRoot } from "../../widgets/components";
import {
  mutate,
  streamingMutationArb,
  widgetMutationArb,
  widgetRootArb,
  type WidgetMutation,
} from "./arbitraries";

/** Random widgets and random immer edits of them: arbitrary changes, or mostly streaming ones. */
const editsArb = fc.tuple(
  widgetRootArb,
  fc.oneof(
    fc.array(fc.array(widgetMutationArb, { minLength: 1, maxLength: 3 }), { maxLength: 12 }),
    fc.array(fc.array(streamingMutationArb, { minLength: 1, maxLength: 3 }), { maxLength: 20 }),
  ),
);

/** The states `produceWidgets` makes from the edits, each with its patches. */
function patchedStates(
  initial: WidgetRoot,
  steps: readonly (readonly WidgetMutation[])[],
): Promise<PatchedWidget[]> {
  return lastValueFrom(
    from(steps).pipe(
      produceWidgets(initial, (draft, step: readonly WidgetMutation[]) => {
        for (const mutation of step) mutate(draft, mutation);
      }),
      toArray(),
    ),
  );
}

describe.each<DiffWidgetsConfig>([
  {},
  { componentUpdates: true },
  { componentUpdates: true, doneDeltaEndsStreaming: true },
])("diffing from immer patches (%j)", (config) => {
  it("rebuilds every state exactly and sends what the diff of the two states sends", async () => {
    await fc.assert(
      fc.asyncProperty(editsArb, async ([initial, steps]) => {
        const states = await patchedStates(initial, steps);
        expect(states).toHaveLength(steps.length + 1);
        let client = initial;
        for (const state of states.slice(1)) {
          const fromPatches = diffWidgetPatches(client, state, config);
          expect(fromPatches).toEqual(diffWidgetStates(client, state.widget, config));
          client = fromPatches.reduce(applyWidgetUpdate, client);
          expect(client).toEqual(state.widget);
        }
      }),
      { numRuns: 300 },
    );
  });
});
