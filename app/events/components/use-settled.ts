import { useEffect, useState } from "react";

/**
 * The value of a streamed loader promise once it settles. Unlike <Await>, it keeps
 * showing the previous value while a live revalidation brings a new promise, so
 * counts do not flicker every few seconds.
 */
export function useSettled<T>(promise: Promise<T> | null): T | undefined {
  const [value, setValue] = useState<T | undefined>(undefined);
  useEffect(() => {
    if (!promise) return;
    let current = true;
    promise.then(
      (settled) => current && setValue(settled),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [promise]);
  return value;
}
