/** Builds answer sets with a chosen total: demo clients in every group, test clients on every boundary. */

export interface FormItem {
  code: string;
  options: Array<{ code: string; points: number }>;
}

/** One option per item adding up to `points`, found by dynamic programming over quarter points. */
export function answersScoring(items: FormItem[], points: number): Record<string, string> {
  const target = Math.round(points * 4);
  // reachable[i] maps a total (in quarters) over the first i items to the [item, option] codes giving it
  let reachable = new Map<number, Array<[string, string]>>([[0, []]]);
  for (const item of items) {
    const next = new Map<number, Array<[string, string]>>();
    for (const [total, chosen] of reachable) {
      for (const option of item.options) {
        const sum = total + Math.round(option.points * 4);
        if (sum <= target && !next.has(sum)) next.set(sum, [...chosen, [item.code, option.code]]);
      }
    }
    reachable = next;
  }
  const chosen = reachable.get(target);
  if (!chosen) throw new Error(`no answer set scores ${points}`);
  return Object.fromEntries(chosen);
}
