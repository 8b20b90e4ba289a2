// Test helpers for the unit tier: a recording stub of the producer port (never of Kafka itself), a logger
// that records lines, and a gateway built on them.
import type { CanonicalEvent } from "@sg/events";
import type { FastifyBaseLogger } from "fastify";
import { Registry } from "prom-client";
import { createGateway, type Gateway, type GatewayDeps } from "../src/gateway.js";
import type { DeadLetter, EventSink, GatewayConfig } from "../src/ports.js";

export interface RecordingSink extends EventSink {
  events: CanonicalEvent[];
  dead: DeadLetter[];
  /** The next `n` publish calls reject, as an unavailable Kafka would. */
  failNext(n?: number): void;
}

export function recordingSink(): RecordingSink {
  let failures = 0;
  const sink: RecordingSink = {
    events: [],
    dead: [],
    failNext(n = 1) {
      failures = n;
    },
    async publish(events) {
      if (failures > 0) {
        failures--;
        throw new Error("KafkaJSNumberOfRetriesExceeded (stub)");
      }
      sink.events.push(...events);
    },
    async deadLetter(records) {
      sink.dead.push(...records);
    },
  };
  return sink;
}

export interface LogLine {
  level: string;
  args: unknown[];
}

export function recordingLogger(lines: LogLine[] = []): FastifyBaseLogger & { lines: LogLine[] } {
  const at =
    (level: string) =>
    (...args: unknown[]) => {
      lines.push({ level, args });
    };
  const logger = {
    lines,
    level: "info",
    fatal: at("fatal"),
    error: at("error"),
    warn: at("warn"),
    info: at("info"),
    debug: at("debug"),
    trace: at("trace"),
    silent: at("silent"),
    child: () => logger,
  };
  return logger;
}

export const TOKENS = {
  s1: "tok-kuaishou-s1-0123456789",
  douyinAll: "tok-douyin-all-0123456789",
  all: "tok-everything-0123456789",
};

export const BASE_CONFIG: GatewayConfig = {
  apiTokens: [
    { token: TOKENS.s1, shops: ["kuaishou:s1"] },
    { token: TOKENS.douyinAll, shops: ["douyin:*"] },
    { token: TOKENS.all, shops: ["*"] },
  ],
  platforms: {},
};

export interface TestGateway extends Gateway {
  sink: RecordingSink;
  registry: Registry;
  logger: ReturnType<typeof recordingLogger>;
  /** The value of `sg_gateway_refusals_total` for a reason (all routes). */
  refusals(reason: string): Promise<number>;
}

/**
 * The unit tier's clock: the fixtures carry fixed dates (November 2026), and the gateway refuses events older
 * than the retention, so a gateway on the wall clock would refuse them from February 2027 on. Tests that need
 * the wall clock pass `now` themselves.
 */
export const FIXTURE_NOW = Date.parse("2026-11-26T12:00:00+08:00");

/** A clock that starts at FIXTURE_NOW when called and then moves with the wall clock (timeouts, rate limits). */
export function fixtureClock(): () => number {
  const offset = FIXTURE_NOW - Date.now();
  return () => Date.now() + offset;
}

export function testGateway(over: Partial<GatewayDeps> = {}): TestGateway {
  const sink = recordingSink();
  const registry = new Registry();
  const logger = recordingLogger();
  const gw = createGateway({ config: BASE_CONFIG, sink, registry, logger, now: fixtureClock(), ...over });
  return {
    ...gw,
    sink: (over.sink as RecordingSink | undefined) ?? sink,
    registry,
    logger,
    async refusals(reason) {
      const m = await registry.getSingleMetric("sg_gateway_refusals_total")?.get();
      return (m?.values ?? []).filter((v) => v.labels.reason === reason).reduce((s, v) => s + v.value, 0);
    },
  };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, "content-type": "application/json" };
}

/** A valid canonical event. */
export function paidEvent(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: "e-1", type: "order.paid", platform: "kuaishou", shopId: "s1", at: "2026-11-20T08:00:05+08:00", orderId: "o-1", ...over };
}
