import { describe, expect, it } from "vitest";
import { kuaishouStoryFits, KUAISHOU_OUTSIDE_HOURS, startDemo } from "./demo-traffic.js";

/** `YYYY-MM-DD HH:MM:SS` Asia/Shanghai as epoch ms. */
const sh = (s: string) => Date.parse(`${s.replace(" ", "T")}+08:00`);

/** The events and lines of the demo's first step (t = 0), started at `t0`. */
async function firstStep(t0: number): Promise<{ said: string[]; kuaishouAts: string[] }> {
  const said: string[] = [];
  const posted: Record<string, unknown>[] = [];
  const demo = startDemo({ post: async (evs) => void posted.push(...evs), say: (l) => said.push(l), now: () => t0, run: "u" });
  await new Promise((r) => setTimeout(r, 50));
  demo.stop();
  return { said, kuaishouAts: posted.filter((e) => e.platform === "kuaishou").map((e) => String(e.at)) };
}

describe("the demo's Kuaishou chat story", () => {
  it("runs from 08:12 to 22:56 Shanghai, when its waits (from 12 minutes before the start) all fall in 08:00-23:00", () => {
    expect(kuaishouStoryFits(sh("2026-12-07 08:11:59"))).toBe(false);
    expect(kuaishouStoryFits(sh("2026-12-07 08:12:00"))).toBe(true);
    expect(kuaishouStoryFits(sh("2026-12-07 14:00:00"))).toBe(true);
    expect(kuaishouStoryFits(sh("2026-12-07 22:55:59"))).toBe(true);
    expect(kuaishouStoryFits(sh("2026-12-07 22:56:00"))).toBe(false);
    expect(kuaishouStoryFits(sh("2026-12-07 02:00:00"))).toBe(false);
  });

  it("at 08:12 every Kuaishou event it posts lies inside today's service hours", async () => {
    const { said, kuaishouAts } = await firstStep(sh("2026-12-07 08:12:00"));
    expect(said[0]).toMatch(/^kuaishou:ks-flower-shop: 5 consultations answered today; 4 more waiting/);
    expect(kuaishouAts.length).toBe(5 * 3 + 4 * 2);
    for (const at of kuaishouAts) expect(at >= "2026-12-07T08:00:00" && at < "2026-12-07T23:00:00", at).toBe(true);
  });

  it("outside those hours says the story cannot run", async () => {
    const { said } = await firstStep(sh("2026-12-07 08:05:00"));
    expect(said[0]).toBe(`kuaishou:ks-flower-shop: ${KUAISHOU_OUTSIDE_HOURS}`);
  });
});
