// The Content-Security-Policy nonce of the page being rendered
// (app/server/security-headers.server.ts), for Remix's inline scripts. Empty in the
// browser: browsers hide nonce values from the DOM, and the scripts already ran.
import { createContext, useContext } from "react";

const NonceContext = createContext("");

export const NonceProvider = NonceContext.Provider;

export function useNonce(): string {
  return useContext(NonceContext);
}
