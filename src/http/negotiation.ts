/*
 * Proactive content negotiation on Accept (RFC 9110 §12.5.1): each media range may carry a weight
 * `q` from 0 to 1, and `q=0` means "not this". A small parser rather than a dependency: the
 * service offers two or three types and never negotiates parameters, charsets or languages.
 */

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
  /** The range's position in the header: among equal weights the caller's first wins. */
  order: number;
}

/** One element: `type/subtype` and its parameters; `q` is the weight (RFC 9110 §12.4.2). */
const RANGE = /^\s*([!#$%&'*+.^_`|~\w-]+)\/([!#$%&'*+.^_`|~\w-]+)\s*(?:;(.*))?$/;
const WEIGHT = /(?:^|;)\s*q\s*=\s*(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)\s*(?:;|$)/i;
/** Elements are separated by commas outside quoted parameter values. */
const ELEMENTS = /(?:[^,"]|"(?:\\.|[^"\\])*")+/g;

function mediaRanges(accept: string): MediaRange[] {
  return [...accept.matchAll(ELEMENTS)].flatMap(([element], order) => {
    const range = RANGE.exec(element);
    if (!range) return [];
    const [, type = '', subtype = '', parameters = ''] = range;
    const weight = WEIGHT.exec(parameters);
    // A malformed weight makes the element unusable rather than a full preference.
    if (/(?:^|;)\s*q\s*=/i.test(parameters) && !weight) return [];
    return [{ type: type.toLowerCase(), subtype: subtype.toLowerCase(), q: weight ? Number(weight[1]) : 1, order }];
  });
}

/** How precisely a range names a type: exactly 2, `type/*` 1, `*\/*` 0; undefined when it does not cover it. */
function precision(range: MediaRange, type: string, subtype: string): number | undefined {
  if (range.type === '*' && range.subtype === '*') return 0;
  if (range.type !== type) return undefined;
  if (range.subtype === '*') return 1;
  return range.subtype === subtype ? 2 : undefined;
}

/**
 * Which of the `offered` types (in the service's order of preference) the caller's Accept prefers:
 * each weighed by the most precise range covering it; the highest weight wins, then the caller's
 * order, then ours. Without Accept, or when it accepts none of them, the first offered (RFC 9110
 * lets a server then answer its default rather than 406).
 */
export function preferredType<T extends string>(accept: string | undefined, offered: readonly [T, ...T[]]): T {
  if (!accept?.trim()) return offered[0];
  const ranges = mediaRanges(accept);
  const weighed = offered.flatMap((offer, index) => {
    const [type = '', subtype = ''] = offer.split('/');
    let best: { range: MediaRange; precision: number } | undefined;
    for (const range of ranges) {
      const covers = precision(range, type, subtype);
      if (covers !== undefined && (!best || covers > best.precision)) best = { range, precision: covers };
    }
    return best && best.range.q > 0 ? [{ offer, q: best.range.q, order: best.range.order, index }] : [];
  });
  weighed.sort((a, b) => b.q - a.q || a.order - b.order || a.index - b.index);
  return weighed[0]?.offer ?? offered[0];
}
