import {
  CanonicalEvent,
  DeliveryFailure,
  DeliveryStatus,
  DueItem,
  EVENT_SCHEMAS,
  EventTime,
  EvidenceItem,
  EvidencePage,
  IfApproved,
  MetricForecast,
  MetricHistory,
  PendingExclusion,
  FiringAlert,
  MetricOutput,
  ShopScores,
  Silence,
  SilenceInput,
  SilenceMatcher,
  StoredSnapshot,
} from "@sg/events";
import { Problem, Refusal } from "./contract.js";
import type { NamedSchema } from "./document.js";

/**
 * The schemas the document names (`components.schemas`): the contracts of @sg/events that routes take or
 * answer, each referenced wherever a route's schema contains it. Each canonical event type is named by its
 * type (`order.paid`, `exclusion.decided`…).
 */
export const NAMED_SCHEMAS: readonly NamedSchema[] = [
  [CanonicalEvent, { id: "CanonicalEvent", description: "One canonical event (events.md); the type decides the fields" }],
  ...EVENT_SCHEMAS.map((s): NamedSchema => [s, { id: s.shape.type.value }]),
  [EventTime, { description: "ISO-8601 with offset (2026-11-20T08:00:05+08:00) or epoch milliseconds" }],
  [Refusal, { id: "Refusal", description: "Every refusal: its reason, a message, and per reason more fields" }],
  [Problem, { id: "Problem" }],
  [
    StoredSnapshot,
    { id: "ShopSnapshot", description: "One shop entry of replay's output (events.md), live: with asOf, version and the pending items" },
  ],
  [MetricOutput, { id: "MetricOutput", description: 'One metric\'s value, counts and status (metrics.md "Output fields")' }],
  [FiringAlert, { id: "Alert" }],
  [DueItem, { id: "DueItem", description: "A pending item of one metric, with its deadline (epoch ms)" }],
  [
    ShopScores,
    {
      id: "ShopScores",
      description:
        "The pack's composite score, when it declares one: total (null while incomplete), dimensions, each indicator's points and band, what is missing, the pack and its effective date; sample: computed with parameters labelled as a sample, not the platform's",
    },
  ],
  [SilenceMatcher, { id: "Matcher" }],
  [SilenceInput, { id: "SilenceInput" }],
  [Silence, { id: "Silence", description: "A stored silence; times are ISO-8601 in Asia/Shanghai" }],
  [
    DeliveryStatus,
    { id: "DeliveryStatus", description: "The notifier's last delivery attempt to a receiver. Never carries a URL, token or secret." },
  ],
  [
    DeliveryFailure,
    { id: "DeliveryFailure", description: "A delivery the notifier gave up on (permanent error, too large, or retries exhausted)" },
  ],
  // Declared ahead of their routes (docs/evidence.md); the snapshot's forecast, ifApproved and pendingExclusions use them now.
  [
    EvidencePage,
    {
      id: "EvidencePage",
      description:
        "GET /v1/shops/{platform}/{shopId}/metrics/{metric}/items?outcome=bad|good|pending|excluded (not served yet): one page of the items behind a metric, newest first",
    },
  ],
  [
    EvidenceItem,
    {
      id: "EvidenceItem",
      description: "One counted item: its id, the moments that decided it, why, the day it counts on and leaves the window, its cost",
    },
  ],
  [
    MetricHistory,
    {
      id: "MetricHistory",
      description: "GET /v1/shops/{platform}/{shopId}/metrics/{metric}/history (not served yet): daily values, 90 days, and the forecast",
    },
  ],
  [
    MetricForecast,
    {
      id: "MetricForecast",
      description:
        "The next 7 midnights by roll-off and at today's pace, when a line is crossed, and the good items that recover the target",
    },
  ],
  [IfApproved, { id: "IfApproved", description: "The value should every pending exclusion be approved" }],
  [PendingExclusion, { id: "PendingExclusion", description: "An exclusion requested and not decided yet, and its effect" }],
];
