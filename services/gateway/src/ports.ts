// The gateway's ports: what it needs from the outside, as small interfaces, so `createGateway` can be driven
// by tests with recording stubs (unit tier) or with the real Kafka and Redis (int tier).
import type { CanonicalEvent, FieldProblem, ShopRef, ShopSnapshot, SilenceLimits } from "@sg/events";

export type { ShopRef, ShopSnapshot };

/**
 * The producer port. `publish` resolves only once Kafka has acknowledged every record with acks=all
 * (`@sg/kafka` `createProducer`), and rejects otherwise: the gateway answers success to a platform, or 202
 * to a client, only after it resolves.
 */
export interface EventSink {
  /** Produces canonical events to `sg.events`, keyed by `platform:shopId`. */
  publish(events: readonly CanonicalEvent[]): Promise<void>;
  /** Produces records for platform messages that could not become events to `sg.events.dlq`. */
  deadLetter(records: readonly DeadLetter[]): Promise<void>;
}

/** A platform message the gateway acknowledged but could not map (events.md "Bad input"). */
export interface DeadLetter {
  /** `douyin`, `kuaishou`, `pdd`, `kuaidi100`. */
  source: string;
  /** The platform's message id, when it has one. */
  messageId?: string;
  reason: string;
  problems: FieldProblem[];
  /** The message as received (after decoding/decryption), cut to 64 KiB. */
  payload: string;
  receivedAt: number;
}

/** Reads a shop's snapshot: one entry of `replay`'s `shops` map (events.md), as the projection holds it (snapshots.ts). */
export interface SnapshotReader {
  shop(platform: string, shopId: string): Promise<ShopSnapshot | null>;
}

/** The part of the configuration (alerts.md "Configuration") the gateway uses. */
export interface ApiToken {
  token: string;
  /** `platform:shopId`, `platform:*` or `*`. */
  shops: string[];
  /** This token's silence limits, over `GatewayConfig.silenceLimits`. */
  silenceLimits?: Partial<SilenceLimits> | undefined;
  /** Most shops a `*` or `platform:*` token may create per day (Asia/Shanghai); default `DEFAULT_NEW_SHOPS_PER_DAY`. */
  newShopsPerDay?: number;
}

/** `unchecked`: the quota could not be read in time (Redis unreachable); the request is admitted and counted. */
export type QuotaAdmission = { ok: true } | { ok: "unchecked" } | { ok: false; used: number; fresh: ShopRef[] };

/** The per-token quota of new shops per day (quota/new-shop-quota.ts). */
export interface NewShopQuota {
  /**
   * Admits the shops of one request for a token, all or none: the ones the gateway does not know yet count
   * against `limit` for the token's day. Never throws.
   */
  admit(token: string, limit: number, shops: readonly ShopRef[], nowMs: number): Promise<QuotaAdmission>;
  /** Marks shops whose events were accepted as known (no longer new). Never throws. */
  remember(shops: readonly ShopRef[]): Promise<void>;
}

export interface GatewayConfig {
  apiTokens: ApiToken[];
  /** Silence limits of every token (the configuration's `silenceLimits`); `DEFAULT_SILENCE_LIMITS` when absent. */
  silenceLimits?: SilenceLimits;
  platforms: {
    douyin?: { appKey: string; appSecret: string };
    /** `appKey`, when configured, must equal the decrypted message's `appKey`. */
    kuaishou?: { messageSecret: string; appKey?: string };
    pdd?: { clientId: string; clientSecret: string; url: string };
    /** The `salt` given when subscribing at 快递100; it signs every push. */
    kuaidi100?: { salt: string };
  };
}
