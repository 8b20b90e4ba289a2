// Silences written by tenants: a scoped token must not mute another tenant's shop, and a pattern must not
// stall the notifier (ReDoS). Both were reproduced against the running system before the fix.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SilenceInputError, buildSilence, silencedBy, type AlertLabels, type Silence } from "./silence.js";

const NOW = Date.parse("2026-11-20T10:00:00+08:00");
const window = { id: "a", startsAt: "2026-11-20T09:00:00+08:00", endsAt: "2026-11-20T11:00:00+08:00" };
const douyin77: AlertLabels = { platform: "douyin", shop: "77", metric: "pickup_24h_rate", severity: "warning", kind: "threshold" };
// A Kuaishou shop whose id is literally "douyin:77" (shop ids may contain ':').
const kuaishouLookalike: AlertLabels = { ...douyin77, platform: "kuaishou", shop: "douyin:77" };

function problems(input: unknown): string[] {
  try {
    buildSilence(input, "id", NOW);
  } catch (e) {
    if (e instanceof SilenceInputError) return e.problems.map((p) => `${p.field}: ${p.reason}`);
    throw e;
  }
  return [];
}

describe("a shop matcher names one shop: platform and id together", () => {
  it("`douyin:77` mutes Douyin's shop 77, not the Kuaishou shop whose id is `douyin:77`", () => {
    const s: Silence = { ...window, matchers: [{ name: "shop", value: "douyin:77" }] };
    expect(silencedBy([s], douyin77, NOW)?.id).toBe("a");
    expect(silencedBy([s], kuaishouLookalike, NOW)).toBeUndefined();
  });

  it("the Kuaishou shop is named by its own key, `kuaishou:douyin:77`", () => {
    const s: Silence = { ...window, matchers: [{ name: "shop", value: "kuaishou:douyin:77" }] };
    expect(silencedBy([s], kuaishouLookalike, NOW)?.id).toBe("a");
    expect(silencedBy([s], douyin77, NOW)).toBeUndefined();
  });

  it("a bare id is pinned by the platform matcher", () => {
    const s: Silence = {
      ...window,
      matchers: [
        { name: "platform", value: "douyin" },
        { name: "shop", value: "77" },
      ],
    };
    expect(silencedBy([s], douyin77, NOW)?.id).toBe("a");
    expect(silencedBy([s], { ...douyin77, platform: "kuaishou" }, NOW)).toBeUndefined();
  });

  it("a regex shop matcher sees the full key, never the bare id", () => {
    const byKey: Silence = { ...window, matchers: [{ name: "shop", value: "douyin:.*", isRegex: true }] };
    expect(silencedBy([byKey], douyin77, NOW)?.id).toBe("a");
    expect(silencedBy([byKey], kuaishouLookalike, NOW)).toBeUndefined();
  });

  it("refuses a platform matcher that contradicts the platform the shop key names, saying how to write it", () => {
    expect(
      problems({
        matchers: [
          { name: "platform", value: "kuaishou" },
          { name: "shop", value: "douyin:77" },
        ],
        endsAt: NOW + 60_000,
      }),
    ).toEqual([
      'matchers.1.value: names a douyin shop but the platform matcher is "kuaishou"; write "kuaishou:douyin:77" for that platform\'s shop with this id',
    ]);
  });
});

describe("regex matchers run in linear time", () => {
  it("caps the pattern length and refuses what RE2 cannot run linearly (look-around, back-references)", () => {
    const endsAt = NOW + 60_000;
    expect(problems({ matchers: [{ name: "metric", value: "a".repeat(129), isRegex: true }], endsAt })).toEqual([
      "matchers.0.value: must be at most 128 characters",
    ]);
    expect(problems({ matchers: [{ name: "metric", value: "a".repeat(128), isRegex: true }], endsAt })).toEqual([]);
    expect(problems({ matchers: [{ name: "metric", value: "(?=human)human.*", isRegex: true }], endsAt })).toEqual([
      "matchers.0.value: is not a valid regular expression",
    ]);
    expect(problems({ matchers: [{ name: "metric", value: "(a)\\1", isRegex: true }], endsAt })).toEqual([
      "matchers.0.value: is not a valid regular expression",
    ]);
  });

  it("checks exact matchers first, so a non-matching exact matcher decides before any regex runs", () => {
    // Stored before the cap existed: compiling it throws. The exact matcher excludes the alert first.
    const s: Silence = {
      ...window,
      matchers: [
        { name: "metric", value: "x".repeat(500), isRegex: true },
        { name: "platform", value: "jd" },
      ],
    };
    expect(silencedBy([s], douyin77, NOW)).toBeUndefined();
  });

  it("matches a catastrophic-backtracking pattern against a long label without stalling", async () => {
    // Run in a child process with a generous deadline: a backtracking engine never returns (the old code
    // spun for hours on this input), and a synchronous loop in this process could not be interrupted.
    const module = fileURLToPath(new URL("./silence.ts", import.meta.url));
    const script = `
      const { silencedBy } = await import(${JSON.stringify(module)});
      const s = { id: "evil", startsAt: "2026-11-20T09:00:00+08:00", endsAt: "2026-11-20T11:00:00+08:00",
        matchers: [{ name: "metric", value: "(?:(?:\\\\w+)+)+!", isRegex: true }] };
      const labels = { platform: "douyin", shop: "77", metric: "a".repeat(4000), severity: "warning", kind: "threshold" };
      process.stdout.write(String(silencedBy([s], labels, ${NOW})));`;
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { timeout: 60_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      );
    });
    expect(out).toBe("undefined");
  }, 90_000);
});
