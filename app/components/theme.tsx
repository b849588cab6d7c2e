// Dark mode (issue 13, H): follows the OS unless the operator picked light or dark, and
// remembers that pick in localStorage. The palette swap itself is CSS
// (app/theme-dark.css); this file only sets `class="dark"` on <html>.
import { useEffect, useState } from "react";

import { useNonce } from "./nonce";

export const THEME_KEY = "hookline:theme";
type Theme = "system" | "light" | "dark";

// Runs before first paint, so a dark page never flashes white. It carries the CSP
// nonce (app/server/security-headers.server.ts); there is no inline handler anywhere.
const PRE_PAINT = `(function(){try{var t=localStorage.getItem(${JSON.stringify(THEME_KEY)});var d=t==="dark"||(t!=="light"&&matchMedia("(prefers-color-scheme: dark)").matches);document.documentElement.classList.toggle("dark",d)}catch(e){}})()`;

export function ThemeScript() {
  const nonce = useNonce();
  // suppressHydrationWarning: browsers hide the nonce attribute from the DOM.
  return <script nonce={nonce} suppressHydrationWarning dangerouslySetInnerHTML={{ __html: PRE_PAINT }} />;
}

function apply(theme: Theme) {
  const dark = theme === "dark" || (theme === "system" && window.matchMedia("(prefers-color-scheme: dark)").matches);
  document.documentElement.classList.toggle("dark", dark);
}

const NEXT: Record<Theme, Theme> = { system: "light", light: "dark", dark: "system" };
const LABEL: Record<Theme, string> = { system: "Theme: follows the system", light: "Theme: light", dark: "Theme: dark" };
const ICON: Record<Theme, string> = { system: "◐", light: "☀", dark: "☾" };

export function ThemeToggle({ className = "" }: { className?: string }) {
  const [theme, setTheme] = useState<Theme>("system");
  useEffect(() => {
    const stored = window.localStorage.getItem(THEME_KEY);
    if (stored === "light" || stored === "dark") setTheme(stored);
  }, []);
  useEffect(() => {
    apply(theme);
    if (theme !== "system") return;
    const media = window.matchMedia("(prefers-color-scheme: dark)");
    const onChange = () => apply("system");
    media.addEventListener("change", onChange);
    return () => media.removeEventListener("change", onChange);
  }, [theme]);
  const next = NEXT[theme];
  return (
    <button
      type="button"
      onClick={() => {
        setTheme(next);
        if (next === "system") window.localStorage.removeItem(THEME_KEY);
        else window.localStorage.setItem(THEME_KEY, next);
      }}
      className={`rounded px-2 py-1 text-slate-600 hover:bg-slate-100 hover:text-slate-900 ${className}`}
      title={`${LABEL[theme]}. Click for ${next === "system" ? "the system setting" : next}.`}
      aria-label={`${LABEL[theme]}. Switch to ${next === "system" ? "the system setting" : next}`}
      data-testid="theme-toggle"
      data-theme={theme}
    >
      <span aria-hidden>{ICON[theme]}</span>
    </button>
  );
}
