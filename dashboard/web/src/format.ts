// Numbers as kubectl prints them.

export function age(created: string, now: number): string {
  const t = Date.parse(created);
  if (!created || Number.isNaN(t)) return '';
  let s = Math.max(0, Math.floor((now - t) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

export function cpu(millis: number): string {
  return millis >= 10000 ? `${(millis / 1000).toFixed(0)}` : millis % 1000 === 0 ? `${millis / 1000}` : `${millis}m`;
}

/**
 * Bytes in binary units. Below 1Gi whole units, cut as `kubectl top` cuts its Mi (364.9Mi is
 * 364Mi), so the numbers match kubectl's; from 1Gi three significant digits (1.46Gi, 12.5Gi, 128Gi),
 * where kubectl would print 1495Mi.
 */
export function memory(bytes: number): string {
  const units = ['', 'Ki', 'Mi', 'Gi', 'Ti'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i < 3 ? Math.floor(v) : String(Number(v.toPrecision(3)))}${units[i]}`;
}

export function percent(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((100 * part) / whole)}%` : '–';
}
