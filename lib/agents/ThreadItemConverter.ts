import type { AgentInputItem } from "@openai/agents";

import { attachmentContent, type AttachmentBytesReader } from "./attachmentContent";
import type {
  AssistantMessageItem,
  Attachment,
  ClientToolCallItem,
  EndOfTurnItem,
  GeneratedImageItem,
  HiddenContextItem,
  SDKHiddenContextItem,
  StructuredInputItem,
  Task,
  TaskItem,
  ThreadItem,
  UserMessageItem,
  UserMessageTagContent,
  WidgetItem,
  WorkflowItem,
} from "../events/threadItems";

/** What one item becomes: nothing, one input item, or several. */
export type ConvertedInput = AgentInputItem | readonly AgentInputItem[] | null;

/** A content part of a user message as the Agents SDK takes it. */
export type UserInputContent = Extract<AgentInputItem, { role: "user" }>["content"] extends infer C
  ? C extends readonly (infer Part)[]
    ? Part
    : never
  : never;

function userText(text: string): AgentInputItem {
  return { role: "user", content: [{ type: "input_text", text }] };
}

/** A conversion's result as a list. */
export function inputList(converted: ConvertedInput): readonly AgentInputItem[] {
  if (converted === null) return [];
  return Array.isArray(converted) ? (converted as readonly AgentInputItem[]) : [converted as AgentInputItem];
}

/** `title: content` of a custom task, or `undefined` when it says nothing (the reference's wording). */
function customTaskText(task: Task): string | undefined {
  if (task.type !== "custom" || (!task.title && !task.content)) return undefined;
  const text = task.title && task.content ? `${task.title}: ${task.content}` : (task.title ?? task.content);
  return `A message was displayed to the user that the following task was performed:\n<Task>\n${text}\n</Task>`;
}

function hiddenContextText(content: string): string {
  return `Hidden context for the agent (not shown to the user):\n<HiddenContext>\n${content}\n</HiddenContext>`;
}

/**
 * Turns a thread's items into the Agents SDK's input (`run(agent, input)`),
 * so a model sees the conversation so far. It's like the reference SDK's
 * `ThreadItemConverter`: one method per item kind, each overridable in a
 * subclass (describe widgets your way, send tags as your app understands
 * them, fetch attachment bytes from your attachment store).
 *
 * Defaults follow the reference: user text with tags written `@name` and
 * their data as a context message, quoted text as context for the last
 * message, assistant text, completed client tool calls as a function call
 * and its output (pending ones are left out: the model cannot see an
 * answer yet), widgets as their JSON with a note, custom tasks and
 * workflows as notes, hidden context wrapped as such, structured inputs as
 * their questions and answers, generated images as a note with the image,
 * end of turn as nothing. Unlike the reference, tags have a default (their data as JSON),
 * so a tag never fails a turn; attachments do need
 * {@link attachmentToContent}, since only the app knows where bytes live.
 */
export class ThreadItemConverter {
  readonly #readAttachment: AttachmentBytesReader | undefined;

  /**
   * @param config `readAttachment`: where attachment bytes come from (in
   * `respond`: `(a) => options.readAttachment(a.id)`); with it, the default
   * {@link attachmentToContent} sends them inline ({@link attachmentContent}).
   */
  constructor(config: { readonly readAttachment?: AttachmentBytesReader | undefined } = {}) {
    this.#readAttachment = config.readAttachment;
  }

  /** The input for `items` (oldest first), or for one item. */
  async toAgentInput(items: readonly ThreadItem[] | ThreadItem): Promise<AgentInputItem[]> {
    const list: readonly ThreadItem[] = Array.isArray(items)
      ? (items as readonly ThreadItem[])
      : [items as ThreadItem];
    const input: AgentInputItem[] = [];
    const last = list[list.length - 1];
    for (const item of list) input.push(...inputList(await this.itemToInput(item, item === last)));
    return input;
  }

  /** Dispatches on the item's kind. */
  async itemToInput(item: ThreadItem, isLast: boolean): Promise<ConvertedInput> {
    switch (item.type) {
      case "user_message":
        return this.userMessageToInput(item, isLast);
      case "assistant_message":
        return this.assistantMessageToInput(item);
      case "client_tool_call":
        return this.clientToolCallToInput(item);
      case "widget":
        return this.widgetToInput(item);
      case "workflow":
        return this.workflowToInput(item);
      case "task":
        return this.taskToInput(item);
      case "hidden_context_item":
        return this.hiddenContextToInput(item);
      case "sdk_hidden_context":
        return this.sdkHiddenContextToInput(item);
      case "end_of_turn":
        return this.endOfTurnToInput(item);
      case "structured_input":
        return this.structuredInputToInput(item);
      case "generated_image":
        return this.generatedImageToInput(item);
    }
  }

  /** The user's text (tags as `@name`), its attachments, and context: quoted text and the tags' data. */
  async userMessageToInput(item: UserMessageItem, isLast: boolean): Promise<ConvertedInput> {
    const tags: UserMessageTagContent[] = [];
    const text = item.content
      .map((part) => {
        if (part.type === "input_text") return part.text;
        tags.push(part);
        return `@${part.text}`;
      })
      .join("");
    const attachments: UserInputContent[] = [];
    for (const attachment of item.attachments) attachments.push(await this.attachmentToContent(attachment));
    const message: AgentInputItem = {
      role: "user",
      content: [{ type: "input_text", text }, ...attachments],
    };
    const context: AgentInputItem[] = [];
    if (item.quoted_text !== undefined && item.quoted_text !== "" && isLast) {
      context.push(userText(`The user is referring to this in particular: \n${item.quoted_text}`));
    }
    const unique = tags.filter((tag, index) => tags.findIndex((other) => other.text === tag.text) === index);
    if (unique.length > 0) {
      const parts: UserInputContent[] = [];
      for (const tag of unique) parts.push(await this.tagToContent(tag));
      context.push({
        role: "user",
        content: [
          {
            type: "input_text",
            text:
              "# User-provided context for @-mentions\n" +
              "- When referencing resolved entities, use their canonical names **without** '@'.\n" +
              "- The '@' form appears only in user text and should not be echoed.",
          },
          ...parts,
        ],
      });
    }
    return [message, ...context];
  }

  /** An `@`-mention's data, for the model. Default: its name and data as JSON. */
  tagToContent(tag: UserMessageTagContent): Promise<UserInputContent> | UserInputContent {
    return { type: "input_text", text: `@${tag.text}: ${JSON.stringify(tag.data)}` };
  }

  /**
   * An attachment of a user message, as an `input_image` or `input_file`
   * part. With a `readAttachment` in the constructor, the bytes inline;
   * otherwise override it (or it throws) to read them from where your app
   * keeps attachments, or to send a URL the model may fetch.
   */
  attachmentToContent(attachment: Attachment): Promise<UserInputContent> | UserInputContent {
    const read = this.#readAttachment;
    if (read !== undefined) return read(attachment).then((bytes) => attachmentContent(attachment, bytes));
    throw new TypeError(
      `ThreadItemConverter: user message has an attachment (${attachment.type} "${attachment.name}") ` +
        "but attachmentToContent() is not overridden and no readAttachment was given; " +
        "pass new ThreadItemConverter({ readAttachment }) or override attachmentToContent()",
    );
  }

  assistantMessageToInput(item: AssistantMessageItem): ConvertedInput {
    return {
      role: "assistant",
      status: "completed",
      content: item.content.map((part) => ({ type: "output_text" as const, text: part.text })),
    };
  }

  /** A completed call as the function call and its output; a pending one is left out. */
  clientToolCallToInput(item: ClientToolCallItem): ConvertedInput {
    if (item.status === "pending") return null;
    return [
      {
        type: "function_call",
        callId: item.call_id,
        name: item.name,
        arguments: JSON.stringify(item.arguments),
      },
      {
        type: "function_call_result",
        callId: item.call_id,
        name: item.name,
        status: "completed",
        output: JSON.stringify(item.output ?? null),
      },
    ];
  }

  /** The widget as JSON with a note, as the reference sends it. Override to describe it in words. */
  widgetToInput(item: WidgetItem): ConvertedInput {
    return userText(
      `The following graphical UI widget (id: ${item.id}) was displayed to the user:${JSON.stringify(item.widget)}`,
    );
  }

  /** One note per custom task that says something; reasoning (thought) tasks are the model's own and left out. */
  workflowToInput(item: WorkflowItem): ConvertedInput {
    return item.workflow.tasks.flatMap((task) => {
      const text = customTaskText(task);
      return text === undefined ? [] : [userText(text)];
    });
  }

  taskToInput(item: TaskItem): ConvertedInput {
    const text = customTaskText(item.task);
    return text === undefined ? null : userText(text);
  }

  /** String content wrapped as hidden context; other content needs an override. */
  hiddenContextToInput(item: HiddenContextItem): ConvertedInput {
    if (typeof item.content !== "string") {
      throw new TypeError(
        `ThreadItemConverter: hidden context item "${item.id}" holds non-string content; ` +
          "override hiddenContextToInput() to turn it into input",
      );
    }
    return userText(hiddenContextText(item.content));
  }

  sdkHiddenContextToInput(item: SDKHiddenContextItem): ConvertedInput {
    return userText(hiddenContextText(item.content));
  }

  /** The questions put to the user, with what the user answered (or that nothing is answered yet). */
  structuredInputToInput(item: StructuredInputItem): ConvertedInput {
    const lines = item.inputs.map((input) => {
      const answer =
        input.answer === undefined
          ? "(not answered yet)"
          : input.answer.skipped
            ? "(skipped)"
            : input.answer.values.join(", ");
      return `- ${input.question}\n  ${answer}`;
    });
    return userText(
      `The user was asked these questions (${item.status}):\n<StructuredInput>\n${lines.join("\n")}\n</StructuredInput>`,
    );
  }

  /**
   * A note that an image was shown, with the image itself when the model can
   * read it (a data URL or an https URL); an app that serves images from
   * its own paths overrides this.
   */
  generatedImageToInput(item: GeneratedImageItem): ConvertedInput {
    const note = `An image was generated and shown to the user (id: ${item.id}).`;
    const url = item.image?.url;
    if (url === undefined || !/^(data:image\/|https:\/\/)/.test(url)) return userText(note);
    return {
      role: "user",
      content: [
        { type: "input_text", text: note },
        { type: "input_image", image: url },
      ],
    };
  }

  /** A hint for the UI only. */
  endOfTurnToInput(_item: EndOfTurnItem): ConvertedInput {
    return null;
  }
}
