// Drives headless Chromium (WebGPU on SwiftShader) through the page and the worker; exits non-zero
// unless both print PASS. Usage: node smoke.mjs http://127.0.0.1:PORT/
import { chromium } from "playwright-core";

const url = process.argv[2];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--enable-unsafe-webgpu", "--enable-features=Vulkan",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-quic", "--no-first-run",
  ],
});
let ok = false;
try {
  const page = await browser.newPage();
  page.on("console", (m) => console.log("console:", m.text()));
  await page.goto(url);
  await page.waitForFunction(
    () => !document.getElementById("page").textContent.includes("running")
      && !document.getElementById("worker").textContent.includes("running")
      && !document.getElementById("bench").textContent.includes("running")
      && !document.getElementById("bench").textContent.includes("waiting"),
    null, { timeout: 540000 });
  const page_out = await page.textContent("#page");
  const worker_out = await page.textContent("#worker");
  console.log(page_out);
  console.log(worker_out);
  const bench_out = await page.textContent("#bench");
  console.log(bench_out);
  ok = page_out.startsWith("page: PASS") && worker_out.startsWith("worker: PASS")
    && !bench_out.startsWith("bench: FAIL");
} finally {
  await browser.close();
}
process.exit(ok ? 0 : 1);
