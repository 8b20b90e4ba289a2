/** Kafka topic names (architecture.md). A prefix isolates test runs and `replay` runs. */
export interface Topics {
  events: string;
  dlq: string;
  alerts: string;
}

export function topicNames(prefix = ""): Topics {
  return { events: `${prefix}sg.events`, dlq: `${prefix}sg.events.dlq`, alerts: `${prefix}sg.alerts` };
}
