import { douyinRoute } from "../adapters/douyin/douyin.route.js";
import { kuaidi100Route } from "../adapters/kuaidi100/kuaidi100.route.js";
import { kuaishouRoute } from "../adapters/kuaishou/kuaishou.route.js";
import { boardRoutes } from "../board/board.route.js";
import type { Limits } from "../http/context.js";
import { deliveryRoutes } from "../routes/deliveries.route.js";
import { eventRoutes } from "../routes/events.route.js";
import { historyRoutes } from "../routes/history.route.js";
import { evidenceRoutes } from "../routes/evidence.route.js";
import { openApiRoute } from "../routes/openapi.route.js";
import { readRoutes } from "../routes/read.route.js";
import { reconciliationRoutes } from "../routes/reconciliation.route.js";
import { silenceRoutes } from "../routes/silences.route.js";
import type { RouteContract } from "./contract.js";

/**
 * Every route of the public server, as `/openapi.json` describes it: a route module exports its contracts
 * (openapi/contract.ts) and adds them here, one line. openapi.unit.test.ts fails for a route registered
 * without one. Webhooks are listed whether or not their platform is configured.
 */
export function routeContracts(limits: Limits): RouteContract[] {
  return [
    ...eventRoutes(limits),
    ...readRoutes,
    ...historyRoutes,
    ...evidenceRoutes,
    ...reconciliationRoutes,
    ...silenceRoutes,
    ...deliveryRoutes,
    douyinRoute,
    kuaishouRoute,
    kuaidi100Route,
    ...boardRoutes,
    openApiRoute,
  ];
}
