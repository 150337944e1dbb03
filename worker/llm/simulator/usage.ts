// Token counts (≈ chars/4) and prompt-cache emulation.
//
// The prompt is cut into segments in API order — each tool, each system block, each message
// content block — and a rolling hash gives every segment boundary a prefix identity. A
// `cache_control` breakpoint writes its prefix to the cache; a later request reads the longest
// cached prefix it can find at or up to 20 blocks before one of its own breakpoints (the real
// API's lookback, which is what lets a single moving "tail" breakpoint read the previous turn's
// entry). Entries live 5 minutes (or 1 hour with `ttl: "1h"`), refreshed on every read.
// Unlike the real API there is no minimum cacheable length, so tiny test prompts cache too.
import { RollingHash } from "./hash";
import { type Block, blocksOf, type SimRequest } from "./request";

export const tokensOf = (text: string): number => Math.ceil(text.length / 4);

export type InputUsage = {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
};

type Ttl = "5m" | "1h";
type Segment = { text: string; tokens: number; breakpoint: Ttl | null };

const TTL_MS: Record<Ttl, number> = { "5m": 5 * 60_000, "1h": 60 * 60_000 };
const LOOKBACK_BLOCKS = 20;
const MAX_ENTRIES = 20_000;

/** Total input tokens, the way count_tokens would report them. */
export function countInputTokens(request: SimRequest): number {
  return segmentsOf(request).reduce((sum, s) => sum + s.tokens, 0);
}

export class PromptCache {
  readonly #entries = new Map<string, { expires: number; ttlMs: number }>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Splits the request's input into uncached, cache-read and cache-write tokens, and records writes. */
  account(request: SimRequest): InputUsage {
    const segments = segmentsOf(request);
    const hash = new RollingHash(`model:${request.model}`);
    const prefixHash: string[] = [];
    const prefixTokens: number[] = [];
    let total = 0;
    for (const s of segments) {
      total += s.tokens;
      prefixHash.push(hash.update(s.text).digest());
      prefixTokens.push(total);
    }
    const breakpoints = segments.flatMap((s, i) => (s.breakpoint ? [i] : []));
    const now = this.#now();

    // Longest cached prefix within the lookback window of any breakpoint.
    let readAt = -1;
    for (const bp of breakpoints) {
      for (let i = bp; i > bp - LOOKBACK_BLOCKS && i > readAt; i--) {
        const entry = this.#entries.get(prefixHash[i]!);
        if (entry && entry.expires > now) {
          readAt = i;
          break;
        }
      }
    }
    if (readAt >= 0) {
      const entry = this.#entries.get(prefixHash[readAt]!)!;
      entry.expires = now + entry.ttlMs;
    }
    const read = readAt >= 0 ? prefixTokens[readAt]! : 0;

    // Every breakpoint past the read point is written; its tokens are billed at its own TTL.
    const creation = { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 };
    let covered = readAt;
    for (const bp of breakpoints) {
      const ttl = segments[bp]!.breakpoint!;
      if (bp > covered) {
        const tokens = prefixTokens[bp]! - (covered >= 0 ? prefixTokens[covered]! : 0);
        if (ttl === "1h") creation.ephemeral_1h_input_tokens += tokens;
        else creation.ephemeral_5m_input_tokens += tokens;
        covered = bp;
      }
      this.#remember(prefixHash[bp]!, TTL_MS[ttl], now);
    }
    const created = creation.ephemeral_5m_input_tokens + creation.ephemeral_1h_input_tokens;
    return {
      input_tokens: total - read - created,
      cache_creation_input_tokens: created,
      cache_read_input_tokens: read,
      cache_creation: creation,
    };
  }

  #remember(key: string, ttlMs: number, now: number): void {
    const existing = this.#entries.get(key);
    if (existing) {
      existing.expires = Math.max(existing.expires, now + ttlMs);
      existing.ttlMs = Math.max(existing.ttlMs, ttlMs);
      return;
    }
    if (this.#entries.size >= MAX_ENTRIES) this.#prune(now);
    this.#entries.set(key, { expires: now + ttlMs, ttlMs });
  }

  /** Drops expired entries; if that isn't enough, the oldest (Map keeps insertion order). */
  #prune(now: number): void {
    for (const [key, entry] of this.#entries) if (entry.expires <= now) this.#entries.delete(key);
    for (const key of this.#entries.keys()) {
      if (this.#entries.size < MAX_ENTRIES * 0.9) break;
      this.#entries.delete(key);
    }
  }
}

function segmentsOf(request: SimRequest): Segment[] {
  const segments: Segment[] = [];
  for (const tool of request.tools ?? []) {
    const { cache_control, ...rest } = tool;
    segments.push(
      segment(`tool:${JSON.stringify(rest)}`, JSON.stringify(rest), cache_control?.ttl, !!cache_control),
    );
  }
  const system = request.system === undefined ? [] : blocksOf(request.system);
  for (const b of system) segments.push(blockSegment("system", b));
  for (const m of request.messages) {
    for (const b of blocksOf(m.content)) segments.push(blockSegment(m.role, b));
  }
  return segments;
}

function blockSegment(role: string, block: Block): Segment {
  const { cache_control, ...rest } = block;
  // Text counts as its characters; any other block as its JSON, which is roughly what it costs.
  const counted = block.type === "text" && typeof block.text === "string" ? block.text : JSON.stringify(rest);
  return segment(`${role}:${JSON.stringify(rest)}`, counted, cache_control?.ttl, !!cache_control);
}

function segment(identity: string, counted: string, ttl: Ttl | undefined, isBreakpoint: boolean): Segment {
  return { text: identity, tokens: tokensOf(counted), breakpoint: isBreakpoint ? (ttl ?? "5m") : null };
}
