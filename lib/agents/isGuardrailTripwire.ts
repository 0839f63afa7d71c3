import { InputGuardrailTripwireTriggered, OutputGuardrailTripwireTriggered } from "@openai/agents";

/**
 * True when a run stopped because an input or output guardrail tripped.
 * What such a run showed must not stay: its items are removed
 * (`thread.item.removed`), not closed with a `done` that would save them.
 */
export function isGuardrailTripwire(error: unknown): boolean {
  return (
    error instanceof InputGuardrailTripwireTriggered || error instanceof OutputGuardrailTripwireTriggered
  );
}
