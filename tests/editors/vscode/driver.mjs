// Opens code-server in headless Chromium in extension-test mode and waits for the verdict.
//
// Usage: node driver.mjs URL WORKSPACE EXTENSION_DIR SUITE_JS SCREENSHOT_DIR [TIMEOUT_MS]
//
// The page's `payload` makes the window an Extension Development Host: the
// unpacked extension loads from EXTENSION_DIR and SUITE_JS runs in the Node
// extension host (VS Code's own test mode; @vscode/test-electron cannot be used
// offline). The suite asks for screenshots through files in WORKSPACE/.fap-e2e
// (only the browser can take them); this script takes them, waits for
// result.json, and saves failure-<session>.png when the suite never reports.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [url, workspace, extensionDir, suite, shots, timeoutArg] = process.argv.slice(2);
const timeoutMs = Number(timeoutArg || 120000);
const dir = join(workspace, ".fap-e2e");
const host = new URL(url).host;
const payload = [
  ["extensionDevelopmentPath", `vscode-remote://${host}${extensionDir}`],
  ["extensionTestsPath", `vscode-remote://${host}${suite}`],
];
const t0 = Date.now();
const log = (message) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
  ],
});
let ok = false;
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on("pageerror", (error) => log(`pageerror: ${error.message}`));
  if (process.env.DEBUG_CONSOLE) page.on("console", (m) => log(`console.${m.type()}: ${m.text().slice(0, 300)}`));
  const query = `folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  await page.goto(`${url}/?${query}`);
  log("page loaded");
  const request = join(dir, "screenshot-request");
  const result = join(dir, "result.json");
  while (!existsSync(result) && Date.now() - t0 < timeoutMs) {
    if (existsSync(request)) {
      const name = readFileSync(request, "utf8").trim();
      rmSync(request);
      // The Problems panel renders its rows a moment after it opens.
      await page.locator(".markers-panel .monaco-list-row").first().waitFor({ timeout: 10000 }).catch(() => {});
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(shots, `${name}.png`) });
      writeFileSync(join(dir, "screenshot-done"), name);
      log(`screenshot ${name}.png`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  ok = existsSync(result);
  log(ok ? "result written" : `no result after ${timeoutMs} ms`);
  if (!ok) {
    const kind = JSON.parse(readFileSync(join(dir, "session.json"), "utf8")).kind;
    await page.screenshot({ path: join(shots, `failure-${kind}.png`) }).catch(() => {});
  }
} finally {
  await browser.close();
}
process.exit(ok ? 0 : 1);
