/**
 * Where the real ChatKit web component is published. Loading it is the one
 * request this page makes to another origin, and only when the user flips
 * the switch (it needs a network connection, so it is not tested here).
 */
export const CHATKIT_SCRIPT_URL = "https://cdn.platform.openai.com/deployments/chatkit/chatkit.js";
