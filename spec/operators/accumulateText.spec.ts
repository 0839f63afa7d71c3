import { from, lastValueFrom, toArray } from "rxjs";
import { TestScheduler } from "rxjs/testing";

import { accumulateText } from "../../operators/accumulateText";

describe("accumulateText", () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it("emits the text accumulated so far for each token", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a-b-c|", { a: "Hel", b: "lo", c: " world" });
      const subs = "       ^-----!";
      const expected = "   -x-y-z|";

      expectObservable(source.pipe(accumulateText())).toBe(expected, {
        x: "Hel",
        y: "Hello",
        z: "Hello world",
      });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it("mirrors never", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<string>("-");
      expectObservable(source.pipe(accumulateText())).toBe("-");
      expectSubscriptions(source.subscriptions).toBe("^");
    });
  });

  it("emits nothing for an empty source", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<string>("|");
      expectObservable(source.pipe(accumulateText())).toBe("|");
      expectSubscriptions(source.subscriptions).toBe("(^!)");
    });
  });

  it("emits one token as is", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold("-a|", { a: "Hi" }).pipe(accumulateText())).toBe("-a|", { a: "Hi" });
    });
  });

  it("emits once per token, an empty token included", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold("-abc|", { a: "x", b: "", c: "y" });
      expectObservable(source.pipe(accumulateText())).toBe("-abc|", { a: "x", b: "x", c: "xy" });
    });
  });

  it("forwards a source error after the text so far", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = new Error("stream broke");
      const source = cold("-a-b#", { a: "x", b: "y" }, error);
      expectObservable(source.pipe(accumulateText())).toBe("-a-b#", { a: "x", b: "xy" }, error);
      expectSubscriptions(source.subscriptions).toBe("^---!");
    });
  });

  it("unsubscribes from the source on early unsubscribe", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a-b-c-|", { a: "x", b: "y", c: "z" });
      const unsub = "      ---!";
      expectObservable(source.pipe(accumulateText()), unsub).toBe("-a-", { a: "x" });
      expectSubscriptions(source.subscriptions).toBe("^--!");
    });
  });

  it("starts from empty text for every subscription", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const text$ = cold("-a-b|", { a: "x", b: "y" }).pipe(accumulateText());
      expectObservable(text$).toBe("-a-b|", { a: "x", b: "xy" });
      expectObservable(text$, "--^").toBe("---a-b|", { a: "x", b: "xy" });
    });
  });

  // accumulateText takes no callback; what a throwing callback would test is
  // that a failure upstream of it reaches the subscriber, covered above.

  it("accumulates 16k tokens into the exact text", async () => {
    const tokens = Array.from({ length: 16_000 }, (_, i) => `t${i % 97} `);
    const texts = await lastValueFrom(from(tokens).pipe(accumulateText(), toArray()));
    expect(texts).toHaveLength(tokens.length);
    expect(texts[texts.length - 1]).toBe(tokens.join(""));
    expect(texts[99]).toBe(tokens.slice(0, 100).join(""));
  });
});
