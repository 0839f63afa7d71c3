import { animationFrameScheduler, asyncScheduler, concat, map, of, range, take, tap } from "rxjs";
import { TestScheduler } from "rxjs/testing";

import { WidgetTemplateError } from "../../lib/errors";
import { renderTemplate } from "../../operators/renderTemplate";
import type { WidgetBuilder } from "../../operators/renderTemplate";
import type { WidgetRoot } from "../../widgets/components";
import { SpyScheduler } from "../helpers/SpyScheduler";
import { SyncSource } from "../helpers/SyncSource";

interface Data {
  readonly title: string;
}

/** A template that records what it built and fails for the title "bad". */
class FakeTemplate implements WidgetBuilder<Data> {
  readonly built: string[] = [];
  readonly error = new WidgetTemplateError({ widget: "Fake" }, "cannot build bad data");

  build(data: Data): WidgetRoot {
    if (data.title === "bad") throw this.error;
    this.built.push(data.title);
    return card(data.title);
  }
}

const card = (title: string): WidgetRoot => ({ type: "Card", id: title, children: [] });

const data = { a: { title: "a" }, b: { title: "b" }, c: { title: "c" }, x: { title: "bad" } };
const roots = { A: card("a"), B: card("b"), C: card("c") };

describe("renderTemplate", () => {
  let testScheduler: TestScheduler;
  let template: FakeTemplate;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    template = new FakeTemplate();
  });

  describe("with a scheduler: at most one render per frame", () => {
    it("renders the first value at once, then the latest at the end of the frame", () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold("-a-b-c----|", data);
        const subs = "       ^---------!";
        const expected = "   -A----C---|";

        const config = { scheduler: testScheduler, frameMs: 5 };
        expectObservable(source.pipe(renderTemplate(template, undefined, config))).toBe(expected, roots);
        expectSubscriptions(source.subscriptions).toBe(subs);
      });
      expect(template.built).toEqual(["a", "c"]);
    });

    it("mirrors never", () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold<Data>("-");
        const config = { scheduler: testScheduler };
        expectObservable(source.pipe(renderTemplate(template, undefined, config))).toBe("-");
        expectSubscriptions(source.subscriptions).toBe("^");
      });
    });

    it("mirrors empty", () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold<Data>("|");
        const config = { scheduler: testScheduler };
        expectObservable(source.pipe(renderTemplate(template, undefined, config))).toBe("|");
        expectSubscriptions(source.subscriptions).toBe("(^!)");
      });
    });

    it("renders one value once", () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const source = cold("-a--------|", data);
        const config = { scheduler: testScheduler, frameMs: 3 };
        expectObservable(source.pipe(renderTemplate(template, undefined, config))).toBe("-A--------|", roots);
      });
      expect(template.built).toEqual(["a"]);
    });

    it("renders the latest of many values once per frame", () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const source = cold("-abcabcabc-|", data);
        const config = { scheduler: testScheduler, frameMs: 3 };
        // Frames end at 4, 7, 10; a value arriving on that frame is part of it.
        expectObservable(source.pipe(renderTemplate(template, undefined, config))).toBe(
          "-A--A--A--C|",
          roots,
        );
      });
      expect(template.built).toEqual(["a", "a", "a", "c"]);
    });

    it("renders the final value at once on completion", () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold("-a-b|", data);
        const config = { scheduler: testScheduler, frameMs: 16 };
        expectObservable(source.pipe(renderTemplate(template, undefined, config))).toBe("-A--(B|)", roots);
        expectSubscriptions(source.subscriptions).toBe("^---!");
      });
    });

    it("renders the pending value, then forwards a source error", () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const error = new Error("upstream failed");
        const source = cold("-a-b#", data, error);
        const config = { scheduler: testScheduler, frameMs: 16 };
        expectObservable(source.pipe(renderTemplate(template, undefined, config))).toBe(
          "-A--(B#)",
          roots,
          error,
        );
        expectSubscriptions(source.subscriptions).toBe("^---!");
      });
    });

    it("forwards the source error when rendering the pending value throws", () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const error = new Error("upstream failed");
        const source = cold("-a-x#", data, error);
        const config = { scheduler: testScheduler, frameMs: 16 };
        expectObservable(source.pipe(renderTemplate(template, undefined, config))).toBe(
          "-A--#",
          roots,
          error,
        );
      });
    });

    it("errors with the build error, intact, at the end of a frame", () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold("-a-x-c-|", data);
        const config = { scheduler: testScheduler, frameMs: 3 };
        expectObservable(source.pipe(renderTemplate(template, undefined, config))).toBe(
          "-A--#",
          roots,
          template.error,
        );
        expectSubscriptions(source.subscriptions).toBe("^---!");
      });
    });

    it("errors with the build error of the first value at once", () => {
      const spy = new SpyScheduler(testScheduler);
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold("-x-a|", data);
        const config = { scheduler: spy, frameMs: 3 };
        expectObservable(source.pipe(renderTemplate(template, undefined, config))).toBe(
          "-#",
          {},
          template.error,
        );
        expectSubscriptions(source.subscriptions).toBe("^!");
      });
      expect(spy.fired).toEqual([]);
    });

    it("errors with what project throws, with the source index", () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const error = new TypeError("no such item");
        const project = (title: string, index: number): Data => {
          if (index === 2) throw error;
          return { title };
        };
        const source = cold("-abc-|", { a: "a", b: "b", c: "c" });
        const config = { scheduler: testScheduler, frameMs: 3 };
        // b is superseded, so project never sees index 1; c (index 2) throws at the frame end.
        expectObservable(source.pipe(renderTemplate(template, project, config))).toBe("-A--#", roots, error);
      });
      expect(template.built).toEqual(["a"]);
    });

    it("renders an undefined value held for the frame's end, and on completion, as a value", () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const source = cold("-ab--c|", { a: "a", b: undefined, c: undefined });
        const project = (title: string | undefined): Data => ({ title: title ?? "none" });
        const config = { scheduler: testScheduler, frameMs: 3 };
        expectObservable(source.pipe(renderTemplate(template, project, config))).toBe("-a--b-(c|)", {
          a: card("a"),
          b: card("none"),
          c: card("none"),
        });
      });
      expect(template.built).toEqual(["a", "none", "none"]);
    });

    it("keeps one frame timer while every frame has a value to render, and a new one after a quiet frame", () => {
      const spy = new SpyScheduler(testScheduler);
      const letters = { a: "a", b: "b", c: "c", d: "d", e: "e", f: "f", g: "g" };
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold("-abcdef------g|", letters);
        const project = (title: string): Data => ({ title });
        const config = { scheduler: spy, frameMs: 2 };
        expectObservable(source.pipe(renderTemplate(template, project, config))).toBe("-a-c-e-f-----g|", {
          a: card("a"),
          c: card("c"),
          e: card("e"),
          f: card("f"),
          g: card("g"),
        });
        expectSubscriptions(source.subscriptions).toBe("^-------------!");
      });
      // Frames ended at 3, 5, 7 (each rendering) and 9 (nothing left): one timer, armed at 1.
      expect(spy.fired).toEqual([3, 5, 7, 9]);
      expect(spy.scheduled).toEqual([1, 13]);
    });

    it("releases the frame timer and the source on early unsubscribe", () => {
      const spy = new SpyScheduler(testScheduler);
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold("-a-b-c-|", data);
        const unsub = "      ----!";
        const config = { scheduler: spy, frameMs: 5 };
        expectObservable(source.pipe(renderTemplate(template, undefined, config)), unsub).toBe("-A--", roots);
        expectSubscriptions(source.subscriptions).toBe("^---!");
      });
      // The frame opened at 1 would have ended at 6.
      expect(spy.fired).toEqual([]);
      expect(template.built).toEqual(["a"]);
    });

    it("releases the next frame when unsubscribed from inside next at the end of a frame", () => {
      const spy = new SpyScheduler(testScheduler);
      const results: WidgetRoot[] = [];
      testScheduler.run(({ cold, expectSubscriptions }) => {
        const source = cold("-ab------c|", data);
        const sub = source
          .pipe(renderTemplate(template, undefined, { scheduler: spy, frameMs: 3 }))
          .subscribe((root) => {
            results.push(root);
            if (results.length === 2) sub.unsubscribe();
          });
        expectSubscriptions(source.subscriptions).toBe("^---!");
      });
      expect(results).toEqual([roots.A, roots.B]);
      // The frame that ended at 4 opened the next one before rendering b; it is released.
      expect(spy.fired).toEqual([4]);
    });

    describe("early unsubscribe with a synchronous source", () => {
      it("stops the source after the value downstream takes, and releases the frame timer", () => {
        const spy = new SpyScheduler(testScheduler);
        const source = new SyncSource((i) => ({ title: String(i) }));
        const results: WidgetRoot[] = [];
        source.observable
          .pipe(renderTemplate(template, undefined, { scheduler: spy, frameMs: 5 }), take(1))
          .subscribe((root) => results.push(root));
        expect(results).toEqual([card("0")]);
        expect(source.produced).toBe(1);
        expect(template.built).toEqual(["0"]);
        testScheduler.flush();
        expect(spy.fired).toEqual([]);
      });

      it("stops range() after one value", () => {
        let produced = 0;
        range(0, 100_000)
          .pipe(
            tap(() => produced++),
            map((i) => ({ title: String(i) })),
            renderTemplate(template, undefined, { scheduler: testScheduler }),
            take(1),
          )
          .subscribe();
        expect(produced).toBe(1);
      });

      it("never subscribes what follows a synchronous prefix once downstream has enough", () => {
        testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
          const rest = cold("-b|", data);
          const source = concat(of(data.a), rest);
          const config = { scheduler: testScheduler, frameMs: 3 };
          expectObservable(source.pipe(renderTemplate(template, undefined, config), take(1))).toBe(
            "(A|)",
            roots,
          );
          expectSubscriptions(rest.subscriptions).toBe([]);
        });
      });

      it("unsubscribes within the frame that gives downstream enough", () => {
        testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
          const source = cold("-a--(bc)-a|", data);
          const config = { scheduler: testScheduler, frameMs: 2 };
          // a at 1 opens a frame to 3; b is rendered at once at 4, c would wait for the frame's end.
          expectObservable(source.pipe(renderTemplate(template, undefined, config), take(2))).toBe(
            "-A--(B|)",
            roots,
          );
          expectSubscriptions(source.subscriptions).toBe("^---!");
        });
      });

      it("leaves no timer behind on asyncScheduler", () => {
        jest.useFakeTimers();
        try {
          const source = new SyncSource((i) => ({ title: String(i) }));
          source.observable
            .pipe(renderTemplate(template, undefined, { scheduler: asyncScheduler }), take(1))
            .subscribe();
          expect(source.produced).toBe(1);
          expect(jest.getTimerCount()).toBe(0);
        } finally {
          jest.useRealTimers();
        }
      });
    });

    it("renders on animation frames with animationFrameScheduler", () => {
      testScheduler.run(({ animate, cold, expectObservable }) => {
        animate("     ----x---x---x");
        const source = cold("-abc---a--|", data);
        const config = { scheduler: animationFrameScheduler };
        expectObservable(source.pipe(renderTemplate(template, undefined, config))).toBe("-A--C---A-|", roots);
      });
    });
  });

  describe("without a scheduler: every value", () => {
    it("renders every value", () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold("-a-b-c|", data);
        expectObservable(source.pipe(renderTemplate(template))).toBe("-A-B-C|", roots);
        expectSubscriptions(source.subscriptions).toBe("^-----!");
      });
    });

    it("mirrors never and empty", () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const never = cold<Data>("-");
        const empty = cold<Data>("|");
        expectObservable(never.pipe(renderTemplate(template))).toBe("-");
        expectObservable(empty.pipe(renderTemplate(template))).toBe("|");
        expectSubscriptions(never.subscriptions).toBe("^");
        expectSubscriptions(empty.subscriptions).toBe("(^!)");
      });
    });

    it("renders one value", () => {
      testScheduler.run(({ cold, expectObservable }) => {
        expectObservable(cold("-a|", data).pipe(renderTemplate(template))).toBe("-A|", roots);
      });
    });

    it("passes each value and its index to project", () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const project = (word: string, index: number): Data => ({ title: `${word}${index}` });
        const source = cold("-x-y|", { x: "w", y: "w" });
        expectObservable(source.pipe(renderTemplate(template, project))).toBe("-a-b|", {
          a: card("w0"),
          b: card("w1"),
        });
      });
    });

    it("forwards a source error", () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const error = new Error("upstream failed");
        const source = cold("-a#", data, error);
        expectObservable(source.pipe(renderTemplate(template))).toBe("-A#", roots, error);
        expectSubscriptions(source.subscriptions).toBe("^-!");
      });
    });

    it("unsubscribes from the source on early unsubscribe", () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold("-a-b-c|", data);
        expectObservable(source.pipe(renderTemplate(template)), "--!").toBe("-A", roots);
        expectSubscriptions(source.subscriptions).toBe("^-!");
      });
    });

    it("errors with the build error, intact", () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold("-a-x-c|", data);
        expectObservable(source.pipe(renderTemplate(template))).toBe("-A-#", roots, template.error);
        expectSubscriptions(source.subscriptions).toBe("^--!");
      });
      let caught: unknown;
      of({ title: "bad" })
        .pipe(renderTemplate(template))
        .subscribe({ error: (err: unknown) => (caught = err) });
      expect(caught).toBe(template.error);
      expect(caught).toBeInstanceOf(WidgetTemplateError);
    });

    it("errors with what project throws", () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const error = new RangeError("bad value");
        const project = (n: number): Data => {
          if (n < 0) throw error;
          return { title: String(n) };
        };
        expectObservable(cold("-a-b-|", { a: 1, b: -1 }).pipe(renderTemplate(template, project))).toBe(
          "-A-#",
          { A: card("1") },
          error,
        );
      });
    });

    it("calls build on the template, keeping `this`", () => {
      let built: WidgetRoot | undefined;
      of({ title: "t" })
        .pipe(renderTemplate(template))
        .subscribe((root) => (built = root));
      expect(built).toEqual(card("t"));
      expect(template.built).toEqual(["t"]);
    });
  });

  describe("with a template that makes stream builders", () => {
    /** Builders numbered as they are made; each card's id says which builder built it. */
    class StreamingTemplate implements WidgetBuilder<Data> {
      readonly builders: number[] = [];

      build(data: Data): WidgetRoot {
        return card(`shared:${data.title}`);
      }

      streamBuilder(): WidgetBuilder<Data> {
        const id = this.builders.length;
        this.builders.push(id);
        return { build: (data) => card(`${id}:${data.title}`) };
      }
    }

    it("builds each subscription with a builder of its own, made when it subscribes", () => {
      const streaming = new StreamingTemplate();
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold("-a-b|", data);
        const built = source.pipe(renderTemplate(streaming));
        expect(streaming.builders).toEqual([]);
        expectObservable(built).toBe("-x-y|", { x: card("0:a"), y: card("0:b") });
        expectObservable(built, "^-!").toBe("-x", { x: card("1:a") });
        expectSubscriptions(source.subscriptions).toBe(["^---!", "^-!"]);
      });
      expect(streaming.builders).toEqual([0, 1]);
    });

    it("builds with the subscription's builder with a scheduler too", () => {
      const streaming = new StreamingTemplate();
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold("-a-b-c|", data);
        const config = { scheduler: testScheduler, frameMs: 3 };
        expectObservable(source.pipe(renderTemplate(streaming, undefined, config))).toBe("-x--y-(z|)", {
          x: card("0:a"),
          y: card("0:b"),
          z: card("0:c"),
        });
        expectSubscriptions(source.subscriptions).toBe("^-----!");
      });
      expect(streaming.builders).toEqual([0]);
    });
  });

  it("throws a TypeError at call time for bad arguments", () => {
    expect(() => renderTemplate(null as unknown as FakeTemplate)).toThrow(
      /renderTemplate: template must be an object with a build\(data\) method, got null/,
    );
    expect(() => renderTemplate({ build: "x" } as unknown as FakeTemplate)).toThrow(TypeError);
    expect(() => renderTemplate(template, 42 as unknown as undefined)).toThrow(
      /renderTemplate: project must be a function or undefined, got number 42/,
    );
    expect(() => renderTemplate(template, undefined, { scheduler: asyncScheduler, frameMs: -1 })).toThrow(
      /renderTemplate: config\.frameMs must be a finite number >= 0, got -1/,
    );
    expect(() => renderTemplate(template, undefined, { frameMs: 50 })).toThrow(
      /renderTemplate: config\.frameMs \(50\) needs config\.scheduler/,
    );
  });
});
