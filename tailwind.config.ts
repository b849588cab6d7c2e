// Tailwind 4 reads its configuration from CSS (app/tailwind.css, `@theme`); this file
// is referenced from there with `@config` for editor tooling and the content globs.
import type { Config } from "tailwindcss";

export default {
  content: ["./app/**/*.{ts,tsx}"],
  theme: { extend: {} },
} satisfies Config;
