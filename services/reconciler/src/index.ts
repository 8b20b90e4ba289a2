export { createReconciler, configuredSources, type Reconciler, type ReconcilerDeps } from "./reconciler.js";
export { createReconcilerMetrics, type ReconcilerMetrics } from "./telemetry.js";
export { compareDay } from "./compare/compare.js";
export { createDouyinSource, DOUYIN_DEFAULT_FIELDS } from "./sources/douyin/douyin.source.js";
export { createKuaishouSource, KUAISHOU_DEFAULT_FIELDS } from "./sources/kuaishou/kuaishou.source.js";
export { PullError, type FigureSource } from "./sources/source.js";
export { startReconcilerService, type ReconcilerService, type ReconcilerServiceOptions } from "./service.js";
