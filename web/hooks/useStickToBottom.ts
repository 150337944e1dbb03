// Keeps a scroll container pinned to its bottom while content grows, unless the user scrolled up.
import { type RefObject, useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";

const THRESHOLD_PX = 48;

export function useStickToBottom(ref: RefObject<HTMLElement | null>, contentKey: unknown) {
  const pinned = useRef(true);
  const [atBottom, setAtBottom] = useState(true);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    // Only the reader scrolling up unpins. Content growing between our scroll and its event
    // must not, so compare against the last position rather than the (moving) bottom.
    let last = el.scrollTop;
    const onScroll = () => {
      const top = el.scrollTop;
      const bottom = el.scrollHeight - top - el.clientHeight <= THRESHOLD_PX;
      if (bottom) pinned.current = true;
      else if (top < last - 2) pinned.current = false;
      last = top;
      setAtBottom(pinned.current);
    };
    el.addEventListener("scroll", onScroll, { passive: true });
    // Content also grows without new events (lazy markdown, images, expanding cards) and the
    // container shows after being hidden (a tab): stay pinned through both.
    const resize =
      typeof ResizeObserver === "function"
        ? new ResizeObserver(() => {
            if (pinned.current) el.scrollTop = el.scrollHeight;
          })
        : null;
    resize?.observe(el);
    if (el.firstElementChild) resize?.observe(el.firstElementChild);
    return () => {
      el.removeEventListener("scroll", onScroll);
      resize?.disconnect();
    };
  }, [ref]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: follow whenever the content changes.
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [contentKey]);

  const scrollToBottom = useCallback(() => {
    const el = ref.current;
    pinned.current = true;
    setAtBottom(true);
    if (el) el.scrollTop = el.scrollHeight;
  }, [ref]);

  return { atBottom, scrollToBottom };
}
