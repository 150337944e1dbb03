// Identifiers shaped like Anthropic's (`msg_…`, `toolu_…`, `req_…`) but marked `sim` so a simulated
// message can never be mistaken for a real one in logs or the database.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function randomId(prefix: string, length = 24): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return `${prefix}${out}`;
}

export const messageId = (): string => randomId("msg_sim_");
export const toolUseId = (): string => randomId("toolu_sim_");
export const requestId = (): string => randomId("req_sim_");
export const serverToolUseId = (): string => randomId("srvtoolu_sim_");
