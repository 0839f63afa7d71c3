import { join } from "node:path";
import { Subject } from "rxjs";

import { TemplateUndefinedError } from "../../../lib/errors";
import { renderTemplate } from "../../../operators/renderTemplate";
import type { WidgetRoot } from "../../../widgets/components";
import { WidgetTemplate } from "../../../widgets/template/WidgetTemplate";

/**
 * Per-stream builds (issue #13): what makes a stream's next build cheap (the
 * parsed skeleton of its card, see `widgets/engines/jinja/slots.ts`) travels
 * with the stream, so any number of streams of one template, each with its
 * own card, keep reusing theirs. A reused skeleton shows as identity: the
 * parts of the card that did not change are the very same (frozen) objects
 * from one build to the next; a skeleton parsed again makes new ones.
 */

const card = WidgetTemplate.fromFile(join(__dirname, "../../../examples/widgets/channel_message.widget"));

const LONG = "A message long enough to go into a slot: well past sixty-four characters, so never re-parsed.";

function cardData(stream: number, message: string) {
  return { user_name: `User ${stream}`, channel: `channel-${stream}`, message, streaming: true };
}

/** The card's header (avatar, name, channel): unchanged while the message streams. */
function header(widget: WidgetRoot | undefined): unknown {
  return (widget as { children: unknown[] } | undefined)?.children[0];
}

describe("WidgetTemplate.streamBuilder", () => {
  it("builds what build builds, sharing the unchanged parts of the card between a stream's builds", () => {
    const builder = card.streamBuilder();
    const first = builder.build(cardData(1, `${LONG} one`));
    const second = builder.build(cardData(1, `${LONG} one two`));
    expect(first).toEqual(card.build(cardData(1, `${LONG} one`)));
    expect(second).toEqual(card.build(cardData(1, `${LONG} one two`)));
    expect(header(second)).toBe(header(first));
    expect(Object.isFrozen(header(second))).toBe(true);
  });

  it("keeps each stream's skeleton apart from the others', for 1000 streams building in turns", () => {
    const streams = 1000;
    const builders = Array.from({ length: streams }, () => card.streamBuilder());
    const firsts = builders.map((builder, stream) => builder.build(cardData(stream, `${LONG} a`)));
    const seconds = builders.map((builder, stream) => builder.build(cardData(stream, `${LONG} a b`)));
    seconds.forEach((widget, stream) => {
      expect(header(widget)).toBe(header(firsts[stream]));
      expect(widget).toEqual(card.build(cardData(stream, `${LONG} a b`)));
    });
  });

  it("parses the card again when it changes, and throws what build throws", () => {
    const builder = card.streamBuilder();
    const before = builder.build(cardData(1, `${LONG} a`));
    const renamed = builder.build(cardData(2, `${LONG} a`));
    expect(renamed).toEqual(card.build(cardData(2, `${LONG} a`)));
    expect(header(renamed)).not.toBe(header(before));
    expect(() => builder.build({ message: LONG })).toThrow(TemplateUndefinedError);
    expect(builder.build(cardData(2, `${LONG} a b`))).toEqual(card.build(cardData(2, `${LONG} a b`)));
  });
});

describe("WidgetTemplate.streamBuilder, with data that changed only in the streaming message", () => {
  it("fills the last card with the new message, and builds the card again for any other change", () => {
    const builder = card.streamBuilder();
    const steps = [
      cardData(1, `${LONG} a`),
      cardData(1, `${LONG} a b`), // only the message grew: the last card, filled again
      cardData(1, "short now"), // short strings are printed inline: built again
      cardData(1, `${LONG} c`),
      { ...cardData(1, `${LONG} c d`), streaming: false },
    ];
    for (const data of steps) expect(builder.build(data)).toEqual(card.build(data));
  });

  it("builds the card again when an object in the data changed inside, even the very same object", () => {
    const builder = card.streamBuilder();
    const reactions = [{ emoji: "👍", count: 1, mine: false }];
    const data = (message: string) => ({ ...cardData(1, message), reactions });
    builder.build(data(`${LONG} a`));
    reactions[0]!.count = 2; // changed in place, as a caller may
    const after = builder.build(data(`${LONG} a b`));
    expect(after).toEqual(card.build(data(`${LONG} a b`)));
    expect(JSON.stringify(after)).toContain("👍 2");
  });
});

describe("renderTemplate with a WidgetTemplate", () => {
  it("reuses each subscription's own skeleton, for 1000 interleaved streams with distinct cards", () => {
    const streams = 1000;
    const inputs = Array.from({ length: streams }, () => new Subject<string>());
    const built = inputs.map((): WidgetRoot[] => []);
    inputs.forEach((input, stream) =>
      input
        .pipe(renderTemplate(card, (message: string) => cardData(stream, message)))
        .subscribe((widget) => built[stream]!.push(widget)),
    );
    for (const token of ["", " b", " c"]) {
      inputs.forEach((input, stream) => input.next(`${LONG} ${stream}${token}`));
    }
    built.forEach((widgets, stream) => {
      expect(widgets).toHaveLength(3);
      expect(header(widgets[1])).toBe(header(widgets[0]));
      expect(header(widgets[2])).toBe(header(widgets[0]));
      expect(widgets[2]).toEqual(card.build(cardData(stream, `${LONG} ${stream} c`)));
    });
  });
});
