import * as common from "@grafana/grafana-foundation-sdk/common";
import {
  DashboardBuilder,
  DashboardCursorSync,
  MappingType,
  QueryVariableBuilder,
  RowBuilder,
  VariableHide,
  VariableRefresh,
  VariableSort,
  type Dashboard,
} from "@grafana/grafana-foundation-sdk/dashboard";
import { DataqueryBuilder, PromQueryFormat } from "@grafana/grafana-foundation-sdk/prometheus";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as table from "@grafana/grafana-foundation-sdk/table";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";

/**
 * ScoreGuard's Grafana dashboards, as code. `npm run dashboards` writes them to
 * infra/grafana/dashboards/<uid>.json; dashboards.unit.test.ts fails when the committed JSON differs, and
 * prometheus.obs.test.ts runs every panel query against a real Prometheus scraping the running pipeline.
 *
 * Every query reads only metrics the services export (services/{gateway,processor,notifier} metrics files,
 * shared/telemetry). Counters with labels that may legitimately stay at zero are initialised by their service,
 * so a quiet pipeline shows 0 rather than "No data".
 */

/** The datasource provisioned by infra/grafana/provisioning/datasources/prometheus.yml. */
const DS: common.DataSourceRef = { type: "prometheus", uid: "prometheus" };

/** uid of the shop dashboard: the notifier's alert links open `/d/scoreguard-shop?var-shop=platform:shopId`. */
export const SHOP_DASHBOARD_UID = "scoreguard-shop";
export const PIPELINE_DASHBOARD_UID = "scoreguard-pipeline";

const RATE = "$__rate_interval";

function q(expr: string, legend: string, refId = "A"): DataqueryBuilder {
  return new DataqueryBuilder().datasource(DS).expr(expr).legendFormat(legend).refId(refId);
}

function graph(title: string, unit: string, description: string, queries: DataqueryBuilder[], w = 8): timeseries.PanelBuilder {
  const p = new timeseries.PanelBuilder().title(title).description(description).datasource(DS).unit(unit).height(8).span(w).fillOpacity(10);
  for (const query of queries) p.withTarget(query);
  return p;
}

function single(title: string, unit: string, description: string, queries: DataqueryBuilder[], w = 8, h = 5): stat.PanelBuilder {
  const p = new stat.PanelBuilder().title(title).description(description).datasource(DS).unit(unit).height(h).span(w);
  for (const query of queries) p.withTarget(query.instant());
  return p;
}

const quantiles = (metric: string, by = ""): DataqueryBuilder[] => {
  const group = by ? `${by}, le` : "le";
  const legend = by ? `{{${by}}} ` : "";
  return [
    q(`histogram_quantile(0.5, sum by (${group}) (rate(${metric}_bucket[${RATE}])))`, `${legend}p50`, "A"),
    q(`histogram_quantile(0.99, sum by (${group}) (rate(${metric}_bucket[${RATE}])))`, `${legend}p99`, "B"),
  ];
};

/** "ScoreGuard: pipeline": is the pipeline up, keeping up, and delivering? */
export function pipelineDashboard(): Dashboard {
  return (
    new DashboardBuilder("ScoreGuard: pipeline")
      .uid(PIPELINE_DASHBOARD_UID)
      .description(
        "Gateway → Kafka → processor → Kafka → notifier → robots: health, throughput, lag, event age, dead letters, evaluation time, deliveries and errors",
      )
      .tags(["scoreguard"])
      .timezone("browser")
      .editable()
      .tooltip(DashboardCursorSync.Crosshair)
      .time({ from: "now-3h", to: "now" })
      .refresh("30s")
      .withRow(new RowBuilder("Health"))
      .withPanel(
        single("Services ready", "none", "1 while each service's /readyz would answer 200 (sg_service_ready)", [
          q("min by (service) (sg_service_ready)", "{{service}}"),
        ]),
      )
      .withPanel(
        single("Redis reachable", "none", "1 while each service's Redis connection is ready (sg_redis_up)", [
          q("min by (service) (sg_redis_up)", "{{service}}"),
        ]),
      )
      .withPanel(
        single("Scrape targets up", "none", "Prometheus reached the process's /metrics", [
          q('up{job=~"scoreguard.*"}', "{{job}} {{instance}}"),
        ]),
      )
      .withPanel(
        graph("CPU", "percentunit", "Process CPU time per second", [
          q(`rate(sg_process_cpu_seconds_total[${RATE}])`, "{{job}} {{instance}}"),
        ]),
      )
      .withPanel(
        graph("Event-loop lag p99", "s", "Node.js event-loop delay, 99th percentile", [
          q("sg_nodejs_eventloop_lag_p99_seconds", "{{job}} {{instance}}"),
        ]),
      )
      .withPanel(
        graph("Resident memory", "bytes", "Process resident set size", [q("sg_process_resident_memory_bytes", "{{job}} {{instance}}")]),
      )
      .withRow(new RowBuilder("Throughput"))
      .withPanel(
        graph("Gateway requests", "reqps", "HTTP requests by route pattern and status", [
          q(`sum by (route, status) (rate(sg_gateway_request_duration_seconds_count[${RATE}]))`, "{{route}} {{status}}"),
        ]),
      )
      .withPanel(
        graph("Gateway refusals", "reqps", "Refused requests by route and reason (auth, validation, rate limit, …)", [
          q(`sum by (route, reason) (rate(sg_gateway_refusals_total[${RATE}]))`, "{{route}} {{reason}}"),
        ]),
      )
      .withPanel(
        graph(
          "Events in and applied",
          "ops",
          "Events acknowledged by Kafka at the gateway; consumed, applied and duplicate at the processor",
          [
            q(`sum(rate(sg_gateway_events_produced_total[${RATE}]))`, "produced (gateway)", "A"),
            q(`sum(rate(sg_processor_events_consumed_total[${RATE}]))`, "consumed", "B"),
            q(`sum(rate(sg_processor_events_applied_total[${RATE}]))`, "applied", "C"),
            q(`sum(rate(sg_processor_duplicate_events_total[${RATE}]))`, "duplicate", "D"),
          ],
        ),
      )
      .withPanel(
        graph(
          "Produce latency",
          "s",
          "Time until Kafka acknowledged the gateway's publish (acks=all)",
          quantiles("sg_gateway_produce_duration_seconds"),
        ),
      )
      .withPanel(
        graph("Alert records", "ops", "Alert records published by the processor (status, severity) and consumed by the notifier (result)", [
          q(
            `sum by (status, severity) (rate(sg_processor_alert_records_published_total[${RATE}]))`,
            "published {{status}} {{severity}}",
            "A",
          ),
          q(`sum by (result) (rate(sg_notifier_records_total[${RATE}]))`, "notifier {{result}}", "B"),
        ]),
      )
      .withRow(new RowBuilder("Processing"))
      .withPanel(
        graph("Consumer lag", "short", "Records of sg.events behind the high watermark, per partition", [
          q("max by (partition) (sg_processor_consumer_lag_records)", "partition {{partition}}"),
        ]),
      )
      .withPanel(
        graph(
          "Event age at apply",
          "s",
          "Processor clock minus the event's `at` when it is applied: platform delay plus pipeline delay",
          quantiles("sg_processor_event_age_seconds"),
        ),
      )
      .withPanel(
        graph(
          "Delay to apply",
          "s",
          "Per applied batch: from its oldest record's Kafka timestamp (the gateway's send) to the batch applied (the pipeline's part before the queue of shops)",
          quantiles("sg_processor_batch_delay_seconds"),
        ),
      )
      .withPanel(graph("Evaluation time", "s", "Time to evaluate one shop", quantiles("sg_processor_evaluation_duration_seconds")))
      .withPanel(
        graph(
          "Wait for evaluation",
          "s",
          "How long a changed shop waits for its evaluation to start (the queue of shops; alert latency and freshness include it)",
          quantiles("sg_processor_evaluation_wait_seconds"),
        ),
      )
      .withPanel(
        graph("Dead letters", "short", "Records sent to sg.events.dlq, by reason class", [
          q(`sum by (reason) (increase(sg_processor_dead_lettered_total[${RATE}]))`, "{{reason}}"),
        ]),
      )
      .withPanel(
        graph(
          "Shops due and exported",
          "short",
          "Shops whose deadline was due in the last ticker pass; shops exported as per-shop gauges",
          [q("sum(sg_processor_due_shops)", "due", "A"), q("sum(sg_processor_exported_shops)", "exported", "B")],
        ),
      )
      .withPanel(
        graph("Evaluations", "ops", "Shop evaluations per second", [
          q(`sum(rate(sg_processor_shop_evaluations_total[${RATE}]))`, "evaluations"),
        ]),
      )
      .withPanel(
        graph(
          "Pending exclusions",
          "short",
          "Appeals, reports and filings requested and not decided (docs/exclusions.md), and the shops with any, by platform",
          [
            q("sum by (platform) (sg_processor_pending_exclusions)", "{{platform}} pending", "A"),
            q("sum by (platform) (sg_processor_shops_with_pending_exclusions)", "{{platform}} shops", "B"),
          ],
        ),
      )
      .withRow(new RowBuilder("Scores"))
      .withPanel(
        graph(
          "Score evaluations",
          "ops",
          "Evaluations of shops whose rule pack declares a score, by platform, pack and status (complete, incomplete: something missing, fixed: eligibility); no shop label",
          [q(`sum by (platform, pack, status) (rate(sg_processor_score_evaluations_total[${RATE}]))`, "{{platform}} {{pack}} {{status}}")],
        ),
      )
      .withPanel(
        graph(
          "Score alerts",
          "short",
          "Alert records of kind score sent to sg.alerts, by platform, pack, status and severity (warning: at risk, critical: below the line)",
          [
            q(
              `sum by (platform, pack, status, severity) (increase(sg_processor_score_alert_records_published_total[${RATE}]))`,
              "{{platform}} {{pack}} {{status}} {{severity}}",
            ),
          ],
        ),
      )
      .withPanel(
        graph(
          "Scores one bad item from a drop",
          "ops",
          "Evaluations of complete scores whose headroom is at most 1 further bad item: before the next band down (band) or below the shop's line (line; 0 = below it already), by platform and pack (histogram sg_processor_score_headroom_items)",
          [
            q(
              `sum by (platform, pack, headroom) (rate(sg_processor_score_headroom_items_bucket{le="1"}[${RATE}]))`,
              "{{platform}} {{pack}} {{headroom}}",
            ),
          ],
        ),
      )
      .withRow(new RowBuilder("Reconciliation"))
      .withPanel(
        graph(
          "Drifts from the platforms' figures",
          "short",
          "Items whose platform T+1 figure and ScoreGuard's day-end value differ beyond tolerance, by platform and item (docs/reconciliation.md)",
          [q(`sum by (platform, metric) (increase(sg_reconciliation_drifts_total[${RATE}]))`, "{{platform}} {{metric}}")],
        ),
      )
      .withPanel(
        graph(
          "Platform figures missing",
          "short",
          "Shop-days of yesterday whose platform figures are not in yet (a platform down: retried with backoff)",
          [q("sum by (platform) (sg_reconciliation_missing_figures)", "{{platform}}")],
        ),
      )
      .withRow(new RowBuilder("Delivery"))
      .withPanel(
        graph(
          "Delay to the notifier",
          "s",
          "Per sg.alerts record: from its Kafka timestamp (the processor's send) to the record ingested into its groups",
          quantiles("sg_notifier_record_delay_seconds"),
        ),
      )
      .withPanel(
        graph("Notifications by channel and result", "ops", "Notifications sent, or given up (permanent, too_large, retry_exhausted)", [
          q(`sum by (channel, result) (rate(sg_notifier_notification_deliveries_total[${RATE}]))`, "{{channel}} {{result}}"),
        ]),
      )
      .withPanel(
        graph(
          "Delivery latency",
          "s",
          "One HTTP delivery to a robot, by channel",
          quantiles("sg_notifier_delivery_duration_seconds", "channel"),
        ),
      )
      .withPanel(
        graph("Queue depth", "short", "Groups with undelivered notifications, per receiver", [
          q("max by (receiver) (sg_notifier_queue_depth)", "{{receiver}}"),
        ]),
      )
      .withRow(new RowBuilder("Errors"))
      // Codes are only known once a robot answers one, so these series start at their first failure, which
      // increase() cannot see: the panel shows the counts since the process started instead.
      .withPanel(
        graph(
          "Delivery failures since start",
          "short",
          "Messages given up since the process started, by channel and the robot's own code",
          [q("sum by (channel, code) (sg_notifier_delivery_failures_total)", "{{channel}} {{code}}")],
        ),
      )
      .withPanel(
        graph("Produce failures", "short", "Publishes Kafka did not acknowledge, by source", [
          q(`sum by (source) (increase(sg_gateway_produce_failures_total[${RATE}]))`, "{{source}}"),
        ]),
      )
      .withPanel(
        graph("Notifier errors", "short", "Unexpected errors in the notifier, by where", [
          q(`sum by (where) (increase(sg_notifier_errors_total[${RATE}]))`, "{{where}}"),
        ]),
      )
      .build()
  );
}

/** "ScoreGuard: shop": where does each metric of one shop stand against its lines, and what fires? */
export function shopDashboard(): Dashboard {
  const sel = 'shop_key="$shop", metric="$metric"';
  return new DashboardBuilder("ScoreGuard: shop")
    .uid(SHOP_DASHBOARD_UID)
    .description(
      "One shop's metrics against the platform's threshold and the shop's target, pending and due items, headroom and firing alerts",
    )
    .tags(["scoreguard"])
    .timezone("browser")
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .time({ from: "now-24h", to: "now" })
    .refresh("30s")
    .withVariable(
      new QueryVariableBuilder("platform")
        .label("platform")
        .datasource(DS)
        .query({ query: "label_values(sg_shop_metric_status, platform)", refId: "PrometheusVariableQueryEditor-VariableQuery" })
        .definition("label_values(sg_shop_metric_status, platform)")
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .sort(VariableSort.AlphabeticalAsc)
        .includeAll(true)
        .allValue(".*"),
    )
    .withVariable(
      new QueryVariableBuilder("shop")
        .label("shop")
        .description("platform:shopId; alert links set it with var-shop=platform:shopId")
        .datasource(DS)
        .query({
          query: 'label_values(sg_shop_metric_status{platform=~"$platform"}, shop_key)',
          refId: "PrometheusVariableQueryEditor-VariableQuery",
        })
        .definition('label_values(sg_shop_metric_status{platform=~"$platform"}, shop_key)')
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .sort(VariableSort.AlphabeticalAsc),
    )
    .withVariable(
      new QueryVariableBuilder("metric")
        .label("metric")
        .description("The rows repeat once per selected metric")
        .datasource(DS)
        .query({
          query: 'label_values(sg_shop_metric_status{shop_key="$shop"}, metric)',
          refId: "PrometheusVariableQueryEditor-VariableQuery",
        })
        .definition('label_values(sg_shop_metric_status{shop_key="$shop"}, metric)')
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .sort(VariableSort.AlphabeticalAsc)
        .multi(true)
        .includeAll(true)
        // All metrics by default: an alert link sets only var-shop, and should open every row.
        .current({ selected: true, text: ["All"], value: ["$__all"] })
        .hide(VariableHide.DontHide),
    )
    .withPanel(
      new table.PanelBuilder()
        .title("Firing alerts")
        .description(
          "Alerts firing for the shop now: metric, kind and severity. Kinds: threshold, at_risk, score (metric score_total or score_stars: the shop's score against its line) and reconciliation_drift (raised by the reconciler, not exported here: see the pipeline dashboard's Reconciliation row)",
        )
        .datasource(DS)
        .height(7)
        .span(16)
        .withTarget(q('sg_shop_alert_firing{shop_key="$shop"} == 1', "{{metric}}").instant().format(PromQueryFormat.Table))
        .withTransformation({
          id: "organize",
          options: { excludeByName: { Time: true, Value: true, __name__: true, instance: true, job: true, shop_key: true } },
        }),
    )
    .withPanel(
      single(
        "Status",
        "none",
        "-1 no data, 0 ok, 1 warning, 2 breach",
        [q('sg_shop_metric_status{shop_key="$shop"}', "{{metric}}")],
        8,
        7,
      ).mappings([
        {
          type: MappingType.ValueToText,
          options: {
            "-1": { text: "no data" },
            "0": { text: "ok", color: "green" },
            "1": { text: "warning", color: "orange" },
            "2": { text: "breach", color: "red" },
          },
        },
      ]),
    )
    .withRow(new RowBuilder("$metric").repeat("metric"))
    .withPanel(
      graph(
        "$metric: value, threshold and target",
        "short",
        "The metric's value against the platform's threshold and the shop's target (ratios as fractions)",
        [
          q(`sg_shop_metric_value{${sel}}`, "value", "A"),
          q(`sg_shop_metric_threshold{${sel}}`, "threshold", "B"),
          q(`sg_shop_metric_target{${sel}}`, "target", "C"),
        ],
        12,
      )
        .overrideByName("threshold", [
          { id: "color", value: { mode: "fixed", fixedColor: "red" } },
          { id: "custom.lineStyle", value: { fill: "dash", dash: [10, 10] } },
        ])
        .overrideByName("target", [
          { id: "color", value: { mode: "fixed", fixedColor: "green" } },
          { id: "custom.lineStyle", value: { fill: "dash", dash: [10, 10] } },
        ]),
    )
    .withPanel(
      graph(
        "$metric: pending and due",
        "short",
        "Items still open, and those whose deadline falls within the lead time",
        [q(`sg_shop_metric_pending{${sel}}`, "pending", "A"), q(`sg_shop_metric_due{${sel}}`, "due", "B")],
        6,
      ),
    )
    .withPanel(
      single(
        "$metric: headroom",
        "short",
        "Bad items the metric takes before it breaches",
        [q(`sg_shop_metric_headroom{${sel}}`, "headroom")],
        6,
        8,
      ),
    )
    .build();
}

/** Every dashboard, keyed by the file name it is written to under infra/grafana/dashboards. */
export function dashboards(): Record<string, Dashboard> {
  return {
    [`${PIPELINE_DASHBOARD_UID}.json`]: pipelineDashboard(),
    [`${SHOP_DASHBOARD_UID}.json`]: shopDashboard(),
  };
}

/** The file's text: stable two-space JSON with a trailing newline. */
export function dashboardJson(d: Dashboard): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}
