// Server-sent events over fetch(): the token goes in the Authorization header, never in the URL (EventSource
// cannot send headers). Reconnects with backoff when the gateway restarts or the network drops, and when no
// byte (not even a heartbeat) has arrived for `silenceMs`.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @param {{ token: string, onEvent: (event: string, data: any) => void, onState: (state: "connecting"|"open"|"reconnecting"|"unauthorized") => void, silenceMs?: number }} o
 */
export function openStream(o) {
  const silenceMs = o.silenceMs ?? 40_000;
  let stopped = false;
  let ctrl;
  let delay = 1000;

  async function once() {
    ctrl = new AbortController();
    const abort = ctrl;
    let watchdog = setTimeout(() => abort.abort(), silenceMs);
    const fed = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => abort.abort(), silenceMs);
    };
    try {
      const res = await fetch("/board/stream", {
        headers: { authorization: `Bearer ${o.token}`, accept: "text/event-stream" },
        cache: "no-store",
        signal: abort.signal,
      });
      if (res.status === 401) return "unauthorized";
      if (!res.ok || res.body === null) return "retry";
      o.onState("open");
      delay = 1000;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return "retry";
        fed();
        buf += value;
        let i;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let event = "message";
          let data = "";
          for (const line of block.split("\n")) {
            if (line.startsWith("event: ")) event = line.slice(7);
            else if (line.startsWith("data: ")) data += line.slice(6);
          }
          if (data !== "") o.onEvent(event, JSON.parse(data));
        }
      }
    } catch {
      return "retry";
    } finally {
      clearTimeout(watchdog);
    }
  }

  (async () => {
    o.onState("connecting");
    while (!stopped) {
      const r = await once();
      if (stopped) return;
      if (r === "unauthorized") {
        o.onState("unauthorized");
        return;
      }
      o.onState("reconnecting");
      await sleep(delay + Math.random() * 500);
      delay = Math.min(Math.max(delay * 2, 1000), 15_000);
    }
  })();

  return {
    close() {
      stopped = true;
      ctrl?.abort();
    },
    /** Drops the connection and opens a new one at once (after a missed change). */
    resync() {
      delay = 0;
      ctrl?.abort();
    },
  };
}
