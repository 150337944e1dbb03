// Arriving on a page with a message box, the box has the focus, so typing starts at once and the
// composer is zero Tabs away. Not when something else already took the focus (a dialog opened by the
// URL, the skip link's target, the visitor's own click), and not where the pointer is coarse: a
// phone's on-screen keyboard would cover the page the visitor came to read.
import { useEffect } from "react";

/** How long the box may take to appear (a page may draw it once its stream has said hello). */
const WAIT_MS = 3000;

export function useArrivalFocus(elementId: string, key: string): void {
  // biome-ignore lint/correctness/useExhaustiveDependencies: again for each page (key) arrived at.
  useEffect(() => {
    if (!window.matchMedia?.("(pointer: fine)").matches) return;
    const until = Date.now() + WAIT_MS;
    let frame = 0;
    const attempt = () => {
      const active = document.activeElement;
      if (active && active !== document.body && active.id !== "main") return; // taken: leave it
      const el = document.getElementById(elementId);
      if (el) el.focus({ preventScroll: true });
      else if (Date.now() < until) frame = requestAnimationFrame(attempt);
    };
    attempt();
    return () => cancelAnimationFrame(frame);
  }, [key]);
}
