import { defaultGenerateId, ID_PREFIXES, type IdItemType } from "../../lib/ids";

describe("defaultGenerateId", () => {
  it.each([
    ["thread", "thr"],
    ["message", "msg"],
    ["tool_call", "tc"],
    ["task", "tsk"],
    ["workflow", "wf"],
    ["attachment", "atc"],
    ["hidden_context", "hcx"],
    ["sdk_hidden_context", "shcx"],
  ] as const)("makes %s ids as <%s>_<8 hex digits>", (type, prefix) => {
    expect(defaultGenerateId(type)).toMatch(new RegExp(`^${prefix}_[0-9a-f]{8}$`));
    expect(ID_PREFIXES[type]).toBe(prefix);
  });

  it("does not repeat itself", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => defaultGenerateId("message")));
    expect(ids.size).toBe(1000);
  });

  it("throws a TypeError naming the unknown type", () => {
    expect(() => defaultGenerateId("nope" as IdItemType)).toThrow(
      /defaultGenerateId: unknown item type "nope"/,
    );
    expect(() => defaultGenerateId("toString" as IdItemType)).toThrow(TypeError);
  });
});
