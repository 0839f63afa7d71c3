/** `MemoryStore` moved to `lib/stores/` with the other stores; this path keeps existing imports working. */
export { MemoryStore } from "../stores/MemoryStore";
export type { MemoryStoreConfig } from "../stores/MemoryStore";
