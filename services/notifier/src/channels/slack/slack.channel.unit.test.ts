import { describe, expect, it } from "vitest";
import { answer, content } from "../../../testing/content.js";
import { createSlackChannel, toMrkdwn, type SlackBody } from "./slack.channel.js";

const URL_ = "https://hooks.slack.com/services/T000/B000/XXXXXXXX";

describe("slack channel", () => {
  it("converts markdown to mrkdwn", () => {
    expect(toMrkdwn("**a** [b](http://x/?a=1&b=2) <c>")).toBe("*a* <http://x/?a=1&amp;b=2|b> &lt;c&gt;");
  });

  it("renders text and blocks", () => {
    const ch = createSlackChannel({ url: URL_ });
    const body = ch.render(content(undefined, { userIds: ["U1"] }, "en"), 1).body as SlackBody;
    expect(body.text).toBe("CRITICAL | Kuaishou s1 human reply within 3 min");
    expect(body.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: body.text } });
    const section = body.blocks[1];
    expect(section?.type === "section" && section.text.text).toContain("<@U1>");
  });

  it("classifies the body text and 429 Retry-After", () => {
    const ch = createSlackChannel({ url: URL_ });
    expect(ch.classify(answer(200, "ok"))).toEqual({ outcome: "ok", code: "ok" });
    expect(ch.classify(answer(429, "rate_limited", { "retry-after": "3" }))).toEqual({
      outcome: "retryable",
      code: "http_429",
      retryAfterMs: 3000,
    });
    expect(ch.classify(answer(400, "invalid_payload"))).toEqual({ outcome: "permanent", code: "invalid_payload" });
    expect(ch.classify(answer(404, "no_service"))).toEqual({ outcome: "permanent", code: "no_service" });
    expect(ch.classify(answer(500, "rollup_error"))).toEqual({ outcome: "retryable", code: "http_500" });
  });
});
