import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runDemo } from "../../examples/demo";

/** What the README shows is what the code does: these tests fail when one changes without the other. */
const root = join(__dirname, "../..");
const readme = readFileSync(join(root, "README.md"), "utf8");

/** The first fenced block of `lang` in the section under `heading`. */
function codeBlock(heading: string, lang: string): string {
  const section = readme.indexOf(`\n## ${heading}\n`);
  if (section === -1) throw new Error(`README.md has no section "## ${heading}"`);
  const open = readme.indexOf(`\n\`\`\`${lang}\n`, section);
  const close = readme.indexOf("\n```\n", open + 1);
  if (open === -1 || close === -1) throw new Error(`README.md: no \`\`\`${lang} block under "## ${heading}"`);
  return readme.slice(open + `\n\`\`\`${lang}\n`.length, close + 1);
}

const SUMMARY = /^# (\d+) frames, (\d+) bytes; the client now holds (\d+) widget items\.$/m;

interface DemoFigures {
  readonly frames: number;
  readonly bytes: number;
  readonly items: number;
  /** The bytes of one text-delta frame beyond its text: what one more frame of the same text costs. */
  readonly bytesPerExtraFrame: number;
}

function figures(summary: string): Omit<DemoFigures, "bytesPerExtraFrame"> {
  const found = SUMMARY.exec(summary);
  if (found === null) throw new Error(`no "# N frames, B bytes; ..." line in:\n${summary.slice(-300)}`);
  return { frames: Number(found[1]), bytes: Number(found[2]), items: Number(found[3]) };
}

/** The token pace of `npm run demo` (examples/demo.ts reads DEMO_TOKEN_MS, else this default). */
function demoTokenMs(): number {
  const source = readFileSync(join(root, "examples", "demo.ts"), "utf8");
  const found = /process\.env\["DEMO_TOKEN_MS"\] \?\? (\d+)/.exec(source);
  if (found === null) throw new Error("examples/demo.ts: no DEMO_TOKEN_MS default found");
  return Number(found[1]);
}

/** The demo's own code, run in virtual time (jest's fake clock drives RxJS's asyncScheduler). */
async function runDemoVirtually(tokenMs: number): Promise<DemoFigures> {
  jest.useFakeTimers();
  try {
    let output = "";
    const done = runDemo(tokenMs, (text) => (output += text));
    await jest.runAllTimersAsync();
    await done;
    const delta = output
      .split("\n\n")
      .find(
        (frame) => frame.includes('"widget.streaming_text.value_delta"') && frame.includes('"done":false'),
      );
    if (delta === undefined) throw new Error("the demo sent no text delta");
    const text = (JSON.parse(delta.slice("data: ".length)) as { update: { delta: string } }).update.delta;
    const bytesPerExtraFrame =
      Buffer.byteLength(`${delta}\n\n`) - Buffer.byteLength(JSON.stringify(text)) + Buffer.byteLength('""');
    return { ...figures(output), bytesPerExtraFrame };
  } finally {
    jest.useRealTimers();
  }
}

describe("README.md", () => {
  it('shows examples/server/minimalServer.ts, exactly, as the "Serve ChatKit" code', () => {
    const file = readFileSync(join(root, "examples", "server", "minimalServer.ts"), "utf8");
    expect(codeBlock("Serve ChatKit", "ts")).toBe(file);
  });

  it("imports the agents glue from chatkit-rx/agents in its Agents example", () => {
    expect(codeBlock("Agents (`@openai/agents`)", "ts")).toContain('from "chatkit-rx/agents";');
  });

  it("shows figures `npm run demo` prints", async () => {
    // The demo sends 40 ms tokens through 100 ms windows in real time, and every other window ends
    // just as a token comes. Timers exactly on time (virtual time) send such a token in a frame of
    // its own; a real machine's fire a millisecond or more late, and the token waits for the next
    // window's frame. So `npm run demo` prints between these two counts (more under load), and the
    // bytes follow from the count: the same text, plus one delta frame's envelope per extra frame.
    const pace = demoTokenMs();
    const onTime = await runDemoVirtually(pace);
    const late = await runDemoVirtually(pace + 1);
    const shown = figures(readme);
    expect(shown.items).toBe(onTime.items);
    expect(shown.frames).toBeGreaterThanOrEqual(late.frames);
    expect(shown.frames).toBeLessThanOrEqual(onTime.frames);
    expect(shown.bytes).toBe(onTime.bytes - (onTime.frames - shown.frames) * onTime.bytesPerExtraFrame);
    expect(readme).toContain(`a frame or two more, of ${onTime.bytesPerExtraFrame} bytes each`);
  });
});
