import { enablePatches, produceWithPatches, type Draft, type Patch } from "immer";
import { map } from "rxjs";
import { TestScheduler } from "rxjs/testing";

import type { UpdatedComponent, WidgetUpdate } from "../../lib/events/widgetUpdates";
import { applyWidgetUpdate } from "../../lib/reducer/applyWidgetUpdate";
import {
  diffPatchedWidgets,
  diffWidgetPatches,
  type PatchedWidget,
} from "../../operators/diffPatchedWidgets";
import { diffWidgetStates } from "../../operators/diffWidgets";
import type { WidgetRoot } from "../../widgets/components";

type Json = Record<string, unknown>;

enablePatches();

const text = (id: string | undefined, value: string, extra: Json = {}): Json => ({
  type: "Text",
  ...(id === undefined ? {} : { id }),
  value,
  ...extra,
});
/** A ListView of rows, each a ListViewItem (id `row-i`) holding one Text (id `t-i` unless `anonymous`). */
const list = (values: readonly string[], anonymous = false): WidgetRoot =>
  ({
    type: "ListView",
    children: values.map((value, index) => ({
      type: "ListViewItem",
      id: `row-${index}`,
      children: [text(anonymous ? undefined : `t-${index}`, value, { streaming: true })],
    })),
  }) as unknown as WidgetRoot;

/** The next state and its patches, as `produceWidgets` would emit them. */
function edit(base: WidgetRoot, recipe: (draft: Json) => unknown): PatchedWidget {
  const [widget, patches] = produceWithPatches(
    base,
    (draft: Draft<WidgetRoot>) => recipe(draft as unknown as Json) as WidgetRoot | undefined,
  );
  return { widget, base, patches };
}
const textAt = (draft: Json, row: number): Json =>
  ((draft["children"] as Json[])[row]!["children"] as Json[])[0]!;
const rowAt = (root: WidgetRoot, row: number): UpdatedComponent =>
  (root as unknown as { children: UpdatedComponent[] }).children[row]!;
const delta = (id: string, d: string): WidgetUpdate => ({
  type: "widget.streaming_text.value_delta",
  component_id: id,
  delta: d,
  done: false,
});

describe("diffPatchedWidgets", () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  const initial = list(["He", "Yo"]);
  const a: PatchedWidget = { widget: initial, base: undefined, patches: [] };
  const b = edit(a.widget, (draft) => void (textAt(draft, 0)["value"] = "Hello"));
  const c = edit(b.widget, (draft) => void (textAt(draft, 1)["size"] = "lg"));

  it("should emit the updates between successive states, from their patches", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a--b--c--|", { a, b, c });
      const subs = "       ^---------!";
      const expected = "   ----B--C--|";
      expectObservable(source.pipe(diffPatchedWidgets({ componentUpdates: true }))).toBe(expected, {
        B: [delta("t-0", "llo")],
        C: [
          {
            type: "widget.component.updated",
            component_id: "t-1",
            component: textAt(c.widget, 1),
          },
        ],
      });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it("should emit nothing for one state", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a--|", { a });
      expectObservable(source.pipe(diffPatchedWidgets())).toBe("----|");
      expectSubscriptions(source.subscriptions).toBe("^---!");
    });
  });

  it("should emit nothing for a state without visible change", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const same = edit(a.widget, (draft) => void (textAt(draft, 0)["value"] = "He"));
      const equal = edit(
        a.widget,
        (draft) =>
          void ((draft["children"] as Json[])[1] = {
            type: "ListViewItem",
            id: "row-1",
            children: [text("t-1", "Yo", { streaming: true })],
          }),
      );
      const source = cold("-a-s-e-|", { a, s: same, e: equal });
      expectObservable(source.pipe(diffPatchedWidgets())).toBe("-------|");
    });
  });

  it("should complete on empty", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<PatchedWidget>("|");
      expectObservable(source.pipe(diffPatchedWidgets())).toBe("|");
      expectSubscriptions(source.subscriptions).toBe("(^!)");
    });
  });

  it("should never emit for never", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<PatchedWidget>("-");
      expectObservable(source.pipe(diffPatchedWidgets())).toBe("-");
      expectSubscriptions(source.subscriptions).toBe("^");
    });
  });

  it("should propagate a source error", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a--b--#", { a, b });
      expectObservable(source.pipe(diffPatchedWidgets())).toBe("----B--#", { B: [delta("t-0", "llo")] });
      expectSubscriptions(source.subscriptions).toBe("^------!");
    });
  });

  it("should unsubscribe from the source early", () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot("-a--b--c--|", { a, b, c });
      const unsub = "     -----!";
      expectObservable(source.pipe(diffPatchedWidgets()), unsub).toBe("----B-", { B: [delta("t-0", "llo")] });
      expectSubscriptions(source.subscriptions).toBe("^----!");
    });
  });

  it("should route a throw from a downstream callback to error", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold("-a--b--c--|", { a, b, c });
      const result = source.pipe(
        diffPatchedWidgets(),
        map(() => {
          throw new Error("boom");
        }),
      );
      expectObservable(result).toBe("----#", undefined, new Error("boom"));
    });
  });
});

describe("diffWidgetPatches", () => {
  const base = list(["He", "Yo", "Hi"]);
  const rebuild = (prev: WidgetRoot, updates: readonly WidgetUpdate[]): WidgetRoot =>
    updates.reduce(applyWidgetUpdate, prev);

  it("compares only the components the patches touch", () => {
    // Patches that say only row 0 changed, on states that also differ in row 2: a
    // diff that read row 2 would send a root update; the patch diff never looks.
    const grown = edit(base, (draft) => void (textAt(draft, 0)["value"] = "Hello"));
    const elsewhere = edit(grown.widget, (draft) => void (textAt(draft, 2)["value"] = "Bye"));
    const lying: PatchedWidget = { ...grown, widget: elsewhere.widget };
    expect(diffWidgetPatches(base, lying)).toEqual([delta("t-0", "llo")]);
    expect(diffWidgetStates(base, elsewhere.widget)).toEqual([
      { type: "widget.root.updated", widget: elsewhere.widget },
    ]);
  });

  it("sends deltas for several rows in document order, whatever the order of the patches", () => {
    const next = edit(base, (draft) => {
      textAt(draft, 2)["value"] = "Hi!";
      textAt(draft, 0)["value"] = "He!";
    });
    const reversed: PatchedWidget = { ...next, patches: [...next.patches].reverse() };
    expect(reversed.patches.map((patch) => patch.path[1])).toEqual([2, 0]);
    expect(diffWidgetPatches(base, reversed)).toEqual([delta("t-0", "!"), delta("t-2", "!")]);
  });

  describe("falls back to the diff of the two states", () => {
    const cases: {
      name: string;
      step: () => PatchedWidget;
      expected: (next: WidgetRoot) => WidgetUpdate[];
    }[] = [
      {
        name: "for a change inside a component without an id (the enclosing component is updated)",
        step: () => edit(list(["He", "Yo"], true), (draft) => void (textAt(draft, 0)["value"] = "Hello")),
        expected: (next) => [
          {
            type: "widget.component.updated",
            component_id: "row-0",
            component: rowAt(next, 0),
          },
        ],
      },
      {
        name: "for a replaced root",
        step: () => edit(base, () => list(["He", "Yo", "Hi!"])),
        expected: () => [delta("t-2", "!")],
      },
      {
        name: "for an added row (the root is replaced)",
        step: () =>
          edit(base, (draft) => {
            (draft["children"] as Json[]).push({ type: "ListViewItem", id: "row-3", children: [] });
          }),
        expected: (next) => [{ type: "widget.root.updated", widget: next }],
      },
      {
        name: "for a removed row",
        step: () => edit(base, (draft) => void (draft["children"] as Json[]).pop()),
        expected: (next) => [{ type: "widget.root.updated", widget: next }],
      },
      {
        name: "for a shrunk text",
        step: () => edit(base, (draft) => void (textAt(draft, 1)["value"] = "Y")),
        expected: (next) => [
          {
            type: "widget.component.updated",
            component_id: "t-1",
            component: (
              (rowAt(next, 1) as unknown as Json)["children"] as Json[]
            )[0] as unknown as UpdatedComponent,
          },
        ],
      },
    ];

    it.each(cases)("$name", ({ step, expected }) => {
      const next = step();
      const prev = next.base!;
      const updates = diffWidgetPatches(prev, next, { componentUpdates: true });
      expect(updates).toEqual(expected(next.widget));
      expect(updates).toEqual(diffWidgetStates(prev, next.widget, { componentUpdates: true }));
      expect(rebuild(prev, updates)).toEqual(next.widget);
    });

    it("when the patches belong to another state (a state was skipped)", () => {
      const b = edit(base, (draft) => void (textAt(draft, 0)["value"] = "Hello"));
      const c = edit(b.widget, (draft) => void (textAt(draft, 2)["value"] = "Hi!"));
      // The client holds `base`, but c's patches turn b into c: only the full diff sees row 0.
      expect(diffWidgetPatches(base, c)).toEqual([delta("t-0", "llo"), delta("t-2", "!")]);
    });

    it("when a changed state comes without patches", () => {
      const b = edit(base, (draft) => void (textAt(draft, 0)["value"] = "Hello"));
      const bare: PatchedWidget = { ...b, patches: [] as Patch[] };
      expect(diffWidgetPatches(base, bare)).toEqual([delta("t-0", "llo")]);
    });

    it("for a hand-written patch that adds a row in the middle", () => {
      const next = list(["He", "New", "Yo", "Hi"]);
      const patches: Patch[] = [
        { op: "add", path: ["children", 1], value: (next as unknown as { children: unknown[] }).children[1] },
      ];
      expect(diffWidgetPatches(base, { widget: next, base, patches })).toEqual([
        { type: "widget.root.updated", widget: next },
      ]);
    });
  });
});
