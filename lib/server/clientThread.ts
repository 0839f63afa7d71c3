import {
  isHiddenItem,
  type Page,
  type Thread,
  type ThreadItem,
  type ThreadMetadata,
  type UserMessageItem,
} from "../events/threadItems";
import type { UserMessageInput } from "./requests";

/** A thread as the client sees it: no server metadata, no hidden items. */
export function toClientThread(thread: ThreadMetadata, items?: Page<ThreadItem>): Thread {
  const page = items ?? { data: [], has_more: false };
  return {
    id: thread.id,
    ...(thread.title === undefined ? {} : { title: thread.title }),
    created_at: thread.created_at,
    status: thread.status,
    items: { ...page, data: page.data.filter((item) => !isHiddenItem(item)) },
  };
}

/** The user message item a composer's input becomes, with only the inference options it set. */
export function newUserMessage(
  input: UserMessageInput,
  thread: ThreadMetadata,
  id: string,
  createdAt: string,
): UserMessageItem {
  const options = input.inference_options ?? {};
  return {
    type: "user_message",
    id,
    thread_id: thread.id,
    created_at: createdAt,
    content: input.content,
    attachments: [],
    ...(typeof input.quoted_text === "string" ? { quoted_text: input.quoted_text } : {}),
    inference_options: {
      ...(options.tool_choice ? { tool_choice: options.tool_choice } : {}),
      ...(typeof options.model === "string" ? { model: options.model } : {}),
    },
  };
}
