import { z } from "zod";

/** A metric's status against its lines (metrics.md "Output fields"); `no_data` when its denominator is 0. */
export const MetricStatus = z.enum(["ok", "warning", "breach", "no_data"]);
export type MetricStatus = z.infer<typeof MetricStatus>;
