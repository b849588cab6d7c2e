import { expect, type Page } from "@playwright/test";

/** How many px wider than the window the document is (0 when nothing scrolls sideways). */
export function pageOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/**
 * The page as it is now at 1440 px and on a 390 px phone: nothing wider than the window
 * (wide tables scroll in their own box), with a full-page screenshot of each kept as
 * `<dir>/<name>-1440.png` and `<name>-390.png`. The window is left at 1440 px.
 */
export async function checkWidths(page: Page, dir: string, name: string, atPhone?: () => Promise<void>) {
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    // The header folds into its menu and charts re-measure a moment after the resize.
    try {
      await expect.poll(() => pageOverflow(page), { timeout: 5_000 }).toBeLessThanOrEqual(1);
    } catch {
      throw new Error(`${name} is ${await pageOverflow(page)} px wider than ${width} px: ${(await wideElements(page)).join(" | ")}`);
    }
    if (width === 390 && atPhone) await atPhone();
    await page.screenshot({ path: `${dir}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

/** The outermost elements that reach past the window's right edge, outside any scroll box. */
function wideElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const past = (el: Element) => el.getBoundingClientRect().right > window.innerWidth + 1;
    return [...document.querySelectorAll("body *")]
      .filter((el) => past(el) && !(el.parentElement && past(el.parentElement) && el.parentElement !== document.body))
      .slice(0, 5)
      .map((el) => `<${el.tagName.toLowerCase()} class="${String(el.getAttribute("class") ?? "").slice(0, 80)}"> right=${Math.round(el.getBoundingClientRect().right)}`);
  });
}
