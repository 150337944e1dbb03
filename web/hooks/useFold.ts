// Derives view state from an event log with a pure fold, incrementally: when the log only grew at
// the end (same epoch), only the new events are folded; otherwise it starts over. The seed (a
// snapshot the fold starts from) restarts it too.
import { useRef } from "react";
import type { StreamEvent } from "../../schema/events";
import type { EventLog } from "../lib/eventLog";

type Cache<S> = {
  stream: string | null;
  events: readonly StreamEvent[];
  epoch: number;
  seed: unknown;
  count: number;
  state: S;
};

export function foldIncrementally<S>(
  cache: Cache<S> | null,
  log: EventLog,
  init: () => S,
  fold: (s: S, ev: StreamEvent) => S,
  seed: unknown,
): Cache<S> {
  const events = log.events;
  if (cache && cache.events === events && cache.seed === seed) return cache;
  const reuse =
    cache &&
    cache.stream === log.stream &&
    cache.epoch === log.epoch &&
    cache.seed === seed &&
    cache.count <= events.length;
  let state = reuse ? cache.state : init();
  for (let i = reuse ? cache.count : 0; i < events.length; i++) state = fold(state, events[i]!);
  return { stream: log.stream, events, epoch: log.epoch, seed, count: events.length, state };
}

export function useFold<S>(
  log: EventLog,
  init: () => S,
  fold: (s: S, ev: StreamEvent) => S,
  seed?: unknown,
): S {
  const cache = useRef<Cache<S> | null>(null);
  cache.current = foldIncrementally(cache.current, log, init, fold, seed);
  return cache.current.state;
}
