import type { Channel, MessageContent, RenderedBody } from "./channel.js";

export interface Fitted extends RenderedBody {
  /** Items shown; the rest are summed up in the "N more" line. */
  shown: number;
}

/**
 * The body with as many items as fit the channel's byte limit (alerts.md "Size": truncated with an
 * "N more" line), at most `maxShown`. Null when not even the header and footer fit.
 */
export function fitContent(channel: Channel, content: MessageContent, maxShown = content.items.length): Fitted | null {
  const all = channel.render(content, maxShown);
  if (all.size <= channel.maxBytes) return { ...all, shown: maxShown };
  // Size grows with the number of items shown: binary search the largest prefix that fits.
  let lo = 0;
  let hi = maxShown - 1;
  let best: Fitted | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = channel.render(content, mid);
    if (r.size <= channel.maxBytes) {
      best = { ...r, shown: mid };
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}
