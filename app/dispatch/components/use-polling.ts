// Re-runs the page's loaders every `intervalMs` while `active` and the tab is visible:
// live progress without websockets.
import { useRevalidator } from "@remix-run/react";
import { useEffect } from "react";

export function usePolling(active: boolean, intervalMs = 1000) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible" && revalidator.state === "idle") revalidator.revalidate();
    }, intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs, revalidator]);
}
