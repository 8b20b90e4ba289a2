export { FORECAST_DAYS, forecastDays, forecastMoments, pointAsOf } from "./horizon.js";
export { forecastShop, withForecast, type ForecastInput, type ShopForecast } from "./forecast.js";
export { type ForecastSource, type StoreAccounting } from "./source.js";
export { evaluateEventsV2WithForecast, evaluateStateWithForecast, forecastSourceOfState } from "./from-state.js";
export { ForecastProjections, TimedProjections, projectEntity, type TimedEntity } from "./timed.js";
