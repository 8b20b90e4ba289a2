import type { ShopAggregates } from "../incremental/measure.js";
import { parsePending } from "../incremental/step.js";
import type { PointChange } from "./timed.js";

type Pending = ShopAggregates["pending"][number];

/** A pending item's member as the timed changes name it (source.ts rolledAggregates). */
function member(p: Pending): string {
  return `${p.metric}|${p.day ?? "-"}|${p.extra ?? ""}|${p.key}`;
}

/** The pending items' members in their order, and (on the first need) as a set. */
interface Members {
  list: string[];
  set?: Set<string>;
}

/**
 * The members of a frozen pending array (the aggregate cache's, state/aggregate-cache.ts: the same array from
 * one evaluation to the next until a pending item changes), made once.
 */
const membersByArray = new WeakMap<ShopAggregates["pending"], Members>();

function membersOf(pending: ShopAggregates["pending"]): Members {
  const frozen = Object.isFrozen(pending);
  let m = frozen ? membersByArray.get(pending) : undefined;
  if (!m) {
    m = { list: pending.map(member) };
    if (frozen) membersByArray.set(pending, m);
  }
  return m;
}

/** A pending change's members and deadlines, in its order. */
interface PendEntries {
  members: string[];
  deadlines: (number | null)[];
}

function entriesOf(pend: ReadonlyMap<string, number | null>): PendEntries {
  const out: PendEntries = { members: [], deadlines: [] };
  pend.forEach((deadline, m) => {
    out.members.push(m);
    out.deadlines.push(deadline);
  });
  return out;
}

/** Whether a pending change holds these members with these deadlines, in this order. */
function holds(pend: ReadonlyMap<string, number | null>, e: PendEntries): boolean {
  if (pend.size !== e.members.length) return false;
  let i = 0;
  let same = true;
  pend.forEach((deadline, m) => {
    same &&= e.members[i] === m && e.deadlines[i] === deadline;
    i++;
  });
  return same;
}

/**
 * The pending items and `now` aggregates at each forecast point, as source.ts rolledAggregates makes them (the
 * same items in the same order, the same amounts), with the pending items' members built once per forecast
 * rather than once per point: a busy shop has hundreds of pending items and few of them change at a point.
 */
export class RolledItems {
  private members: Members | undefined;
  /** The last point rolled with a pending change: its change's members and deadlines, and its items. */
  private last: { pend: PendEntries; pending: Pending[] } | undefined;
  constructor(
    private readonly pending: ShopAggregates["pending"],
    private readonly cur: ShopAggregates["cur"],
  ) {}

  /** The `now` aggregates at a point (the stored ones, the same object, when its change has none). */
  curAt(change: PointChange): ShopAggregates["cur"] {
    let cur = this.cur;
    if (change.cur.size > 0) {
      cur = { ...this.cur };
      for (const [f, v] of change.cur) cur[f] = String(Number(cur[f] ?? 0) + v);
    }
    return cur;
  }

  /**
   * Each pending item at a point with its deadline there, in the order of `at`'s items, without making them:
   * the forecast's numeric points only count them (numeric-points.ts).
   */
  forEachAt(change: PointChange, fn: (p: Pending, deadline: number) => void): void {
    if (change.pend.size === 0) {
      for (let i = 0; i < this.pending.length; i++) fn(this.pending[i]!, this.pending[i]!.deadline);
      return;
    }
    const members = (this.members ??= membersOf(this.pending));
    let found = 0;
    for (let i = 0; i < this.pending.length; i++) {
      const p = this.pending[i]!;
      const to = change.pend.get(members.list[i]!);
      if (to === undefined) fn(p, p.deadline);
      else {
        found++;
        if (to !== null) fn(p, to);
      }
    }
    if (found < change.pend.size) {
      const present = (members.set ??= new Set(members.list));
      change.pend.forEach((deadline, m) => {
        if (deadline !== null && !present.has(m)) fn(parsePending(m, deadline), deadline);
      });
    }
  }

  at(change: PointChange): Pick<ShopAggregates, "cur" | "pending"> {
    const cur = this.curAt(change);
    if (change.pend.size === 0) return { cur, pending: this.pending };
    // The same members and deadlines as the last point's (the points after all of today's deadlines, most often):
    // the same items, in the same array (whose grouping the points then share, pending-index.ts).
    if (this.last && holds(change.pend, this.last.pend)) return { cur, pending: this.last.pending };
    const pending = this.roll(change);
    this.last = { pend: entriesOf(change.pend), pending };
    return { cur, pending };
  }

  private roll(change: PointChange): Pending[] {
    const members = (this.members ??= membersOf(this.pending));
    const pending: Pending[] = [];
    /** Members of the change found among the items (each at most once: the members are distinct). */
    let found = 0;
    for (let i = 0; i < this.pending.length; i++) {
      const p = this.pending[i]!;
      const to = change.pend.get(members.list[i]!);
      if (to === undefined) pending.push(p);
      else {
        found++;
        if (to !== null) pending.push({ ...p, deadline: to });
      }
    }
    // The change's other members are added items: none when every one of them was found (most points).
    if (found < change.pend.size) {
      const present = (members.set ??= new Set(members.list));
      for (const [m, deadline] of change.pend) if (deadline !== null && !present.has(m)) pending.push(parsePending(m, deadline));
    }
    return pending;
  }
}
