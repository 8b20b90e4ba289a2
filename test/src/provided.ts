// What the int project's global setup hands to every test file through vitest's provide/inject.
declare module "vitest" {
  export interface ProvidedContext {
    /** Kafka bootstrap servers, e.g. ["127.0.0.1:39092"]. */
    kafkaBrokers: string[];
    /** e.g. "redis://127.0.0.1:41234". */
    redisUrl: string;
  }
}

export {};
