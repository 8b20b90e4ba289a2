// Takes the README's screenshots of a running board (docs/board-*.png), e.g. during `npm run demo`:
//   npx tsx services/gateway/testing/board-screenshots.ts http://127.0.0.1:8080 "$(cat .scoreguard/local-token)" docs kuaishou:ks-flower-shop douyin:dy-tea-house
// The optional last shop: its view, whose top shows the score, as board-scores.png (the demo's Douyin shop),
// taken first.
import { launchBrowser } from "./browser.js";

const [base, token, out, shop, scoreShop] = process.argv.slice(2);
if (!base || !token || !out || !shop) {
  process.stderr.write("usage: board-screenshots.ts <base-url> <token> <out-dir> <platform:shopId> [<platform:shopId with a score>]\n");
  process.exit(2);
}
const desktop = await launchBrowser({ width: 1680, height: 1050 });
try {
  const page = await desktop.context.newPage();
  await page.goto(`${base}/board`);
  await page.fill("#token", token);
  await page.click("#token-form button[type=submit]");
  await page.locator(".shop-card").first().waitFor({ timeout: 30_000 });
  // First, while the demo's early story runs (its Douyin shop's score alert fires in its first 15 s).
  if (scoreShop) {
    await page.goto(`${base}/board#/shop/${encodeURIComponent(scoreShop)}`);
    await page.locator("#shop .score-total").waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1000);
    await page.screenshot({ path: `${out}/board-scores.png` });
    await page.goto(`${base}/board#/`);
  }
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${out}/board-overview.png` });
  await page.goto(`${base}/board#/shop/${encodeURIComponent(shop)}`);
  await page.locator("#shop").waitFor();
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${out}/board-queue.png` });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${out}/board-queue-phone.png` });
} finally {
  await desktop.close();
}
