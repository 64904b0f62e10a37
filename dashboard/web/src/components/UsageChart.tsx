// A small inline SVG line chart of one container's usage over time, with its request and limit as
// dashed lines and the latest value (and request/limit) also as text. No chart library.

export interface Point {
  t: number; // ms since epoch
  v: number;
}

interface Props {
  label: string;
  points: Point[];
  request?: number;
  limit?: number;
  format: (v: number) => string;
}

const W = 280;
const H = 80;

export function UsageChart({ label, points, request, limit, format }: Props) {
  const last = points.length ? points[points.length - 1].v : undefined;
  const max = Math.max(1, ...points.map((p) => p.v), request ?? 0, limit ?? 0) * 1.1;
  const t0 = points.length ? points[0].t : 0;
  const t1 = points.length ? points[points.length - 1].t : 1;
  const span = Math.max(1, t1 - t0);
  const x = (t: number) => (points.length < 2 ? W : ((t - t0) / span) * W);
  const y = (v: number) => H - (v / max) * H;
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
  const text =
    `${label}: ${last === undefined ? 'no sample yet' : format(last)}` +
    (request !== undefined ? `, request ${format(request)}` : '') +
    (limit !== undefined ? `, limit ${format(limit)}` : '');
  return (
    <figure class="usage-chart" data-samples={points.length}>
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={text}>
        <rect x="0" y="0" width={W} height={H} class="chart-bg" />
        {limit !== undefined && <line x1="0" x2={W} y1={y(limit)} y2={y(limit)} class="chart-limit" />}
        {request !== undefined && <line x1="0" x2={W} y1={y(request)} y2={y(request)} class="chart-request" />}
        {points.length === 1 && <circle cx={x(points[0].t)} cy={y(points[0].v)} r="2.5" class="chart-dot" />}
        {points.length > 1 && <path d={path} class="chart-line" />}
      </svg>
      <figcaption data-field="usage">{text}</figcaption>
    </figure>
  );
}
