/**
 * Ids for threads and thread items, `<prefix>_<8 hex digits>`, with the
 * prefixes of the reference Python SDK (`chatkit/store.py`): `thr_`, `msg_`
 * (every message-like item, widgets included), `tc_`, `tsk_`, `wf_`, `atc_`,
 * `hcx_`, `shcx_`. Inject an {@link IdGenerator} wherever ids are made, so
 * tests and stores can choose their own.
 */

/** What an id is for; decides its prefix. */
export type IdItemType =
  | "thread"
  | "message"
  | "tool_call"
  | "task"
  | "workflow"
  | "attachment"
  | "hidden_context"
  | "sdk_hidden_context";

/** Makes a fresh id for one kind of thing. Must not return the same id twice within a thread. */
export type IdGenerator = (itemType: IdItemType) => string;

/** The prefix of each {@link IdItemType}. */
export const ID_PREFIXES: Readonly<Record<IdItemType, string>> = Object.freeze({
  thread: "thr",
  message: "msg",
  tool_call: "tc",
  task: "tsk",
  workflow: "wf",
  attachment: "atc",
  hidden_context: "hcx",
  sdk_hidden_context: "shcx",
});

function randomHex(digits: number): string {
  const bytes = new Uint8Array(Math.ceil(digits / 2));
  globalThis.crypto.getRandomValues(bytes);
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex.slice(0, digits);
}

/**
 * The default {@link IdGenerator}: `<prefix>_<8 random hex digits>` (Web
 * Crypto randomness, so it works in Node and browsers alike).
 *
 * @param itemType What the id is for.
 * @return e.g. `msg_3f9a0c1b`.
 */
export const defaultGenerateId: IdGenerator = (itemType) => {
  const prefix = Object.hasOwn(ID_PREFIXES, itemType) ? ID_PREFIXES[itemType] : undefined;
  if (prefix === undefined) {
    throw new TypeError(
      `defaultGenerateId: unknown item type ${JSON.stringify(itemType)}; expected one of ${Object.keys(ID_PREFIXES).join(", ")}`,
    );
  }
  return `${prefix}_${randomHex(8)}`;
};
