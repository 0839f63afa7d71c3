import { describeJsonValue, formatJsonPath, isJsonObject } from "../../widgets/json";

describe("formatJsonPath", () => {
  it("writes paths the way JavaScript would", () => {
    expect(formatJsonPath([])).toBe("");
    expect(formatJsonPath(["children", 2, "children", 0, "colour"])).toBe("children[2].children[0].colour");
    expect(formatJsonPath([0, "value"])).toBe("[0].value");
    expect(formatJsonPath(["payload", "user id", "x-y"])).toBe('payload["user id"]["x-y"]');
  });
});

describe("describeJsonValue", () => {
  it.each([
    [null, "null"],
    [undefined, "undefined"],
    [[], "an array"],
    ["s", "a string"],
    [1, "a number"],
    [false, "a boolean"],
    [{ type: "Text" }, 'type "Text"'],
    [{}, 'an object without a "type"'],
    [{ type: null }, 'an object whose "type" is null'],
  ])("describes %j as %s", (value, description) => {
    expect(describeJsonValue(value)).toBe(description);
  });
});

describe("isJsonObject", () => {
  it("accepts objects, not arrays or null", () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject([])).toBe(false);
    expect(isJsonObject(null)).toBe(false);
    expect(isJsonObject("x")).toBe(false);
  });
});
