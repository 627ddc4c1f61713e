// A hand-written SVG of the comparison: one panel per measure against bot count (log scale),
// one line per server. No chart library: the picture is a few polylines and labels.

/** One point of one series. */
export interface ChartPoint {
  n: number
  value: number | null
}

/** A line on a panel. */
export interface ChartSeries {
  name: string
  color: string
  points: ChartPoint[]
}

/** A panel: a measure, its unit, and one series per server; an optional horizontal guide line. */
export interface ChartPanel {
  title: string
  unit: string
  series: ChartSeries[]
  guide?: { value: number, label: string }
}

const PANEL_W = 360
const PANEL_H = 260
const MARGIN = { top: 40, right: 20, bottom: 44, left: 58 }
const TITLE_H = 34
const LEGEND_H = 26

/** Escapes text for SVG content and attributes. */
export function escapeXml (text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string)
}

/** A round number to show on an axis. */
function label (value: number): string {
  if (value === 0) return '0'
  if (Math.abs(value) >= 100) return value.toFixed(0)
  if (Math.abs(value) >= 10) return value.toFixed(1).replace(/\.0$/, '')
  return Number(value.toPrecision(2)).toString()
}

/** Evenly spaced ticks from 0 to a bit above max. */
export function niceTicks (max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1]
  const rough = max / count
  const magnitude = 10 ** Math.floor(Math.log10(rough))
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= rough) ?? 10) * magnitude
  const ticks: number[] = []
  for (let v = 0; v <= max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)))
  return ticks
}

function renderPanel (panel: ChartPanel, ns: number[], x0: number, y0: number): string {
  const plotW = PANEL_W - MARGIN.left - MARGIN.right
  const plotH = PANEL_H - MARGIN.top - MARGIN.bottom
  const values = panel.series.flatMap((s) => s.points.map((p) => p.value)).filter((v): v is number => v !== null && Number.isFinite(v))
  const yTicks = niceTicks(Math.max(0, ...values, panel.guide?.value ?? 0))
  const yMax = yTicks[yTicks.length - 1] as number
  const logMin = Math.log10(Math.min(...ns))
  const logSpan = Math.max(1e-9, Math.log10(Math.max(...ns)) - logMin)
  const x = (n: number): number => x0 + MARGIN.left + (ns.length === 1 ? plotW / 2 : ((Math.log10(n) - logMin) / logSpan) * plotW)
  const y = (v: number): number => y0 + MARGIN.top + plotH - (v / yMax) * plotH
  const parts: string[] = []
  parts.push(`<text x="${x0 + PANEL_W / 2}" y="${y0 + 22}" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(panel.title)}</text>`)
  for (const tick of yTicks) {
    parts.push(`<line x1="${x0 + MARGIN.left}" x2="${x0 + MARGIN.left + plotW}" y1="${y(tick)}" y2="${y(tick)}" stroke="#e5e5e5"/>`)
    parts.push(`<text x="${x0 + MARGIN.left - 6}" y="${y(tick) + 4}" text-anchor="end" font-size="11">${label(tick)}</text>`)
  }
  for (const n of ns) {
    parts.push(`<line x1="${x(n)}" x2="${x(n)}" y1="${y0 + MARGIN.top + plotH}" y2="${y0 + MARGIN.top + plotH + 4}" stroke="#333"/>`)
    parts.push(`<text x="${x(n)}" y="${y0 + MARGIN.top + plotH + 17}" text-anchor="middle" font-size="11">${n}</text>`)
  }
  parts.push(`<rect x="${x0 + MARGIN.left}" y="${y0 + MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`)
  parts.push(`<text x="${x0 + MARGIN.left + plotW / 2}" y="${y0 + PANEL_H - 6}" text-anchor="middle" font-size="11">bots (log scale)</text>`)
  parts.push(`<text transform="translate(${x0 + 14} ${y0 + MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="11">${escapeXml(panel.unit)}</text>`)
  if (panel.guide !== undefined) {
    parts.push(`<line x1="${x0 + MARGIN.left}" x2="${x0 + MARGIN.left + plotW}" y1="${y(panel.guide.value)}" y2="${y(panel.guide.value)}" stroke="#c00" stroke-dasharray="4 3"/>`)
    parts.push(`<text x="${x0 + MARGIN.left + plotW - 4}" y="${y(panel.guide.value) - 4}" text-anchor="end" font-size="10" fill="#c00">${escapeXml(panel.guide.label)}</text>`)
  }
  for (const series of panel.series) {
    const points = series.points.filter((p): p is { n: number, value: number } => p.value !== null && Number.isFinite(p.value))
    if (points.length > 1) {
      parts.push(`<polyline fill="none" stroke="${escapeXml(series.color)}" stroke-width="2" points="${points.map((p) => `${x(p.n).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ')}"/>`)
    }
    for (const p of points) {
      parts.push(`<circle cx="${x(p.n).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="3.5" fill="${escapeXml(series.color)}"><title>${escapeXml(`${series.name} N=${p.n}: ${p.value}`)}</title></circle>`)
    }
  }
  return parts.join('\n')
}

/** Renders the panels side by side under a title, with a legend of the series names. */
export function renderChart (title: string, panels: ChartPanel[]): string {
  const ns = [...new Set(panels.flatMap((panel) => panel.series.flatMap((s) => s.points.map((p) => p.n))))].filter((n) => n > 0).sort((a, b) => a - b)
  if (ns.length === 0) ns.push(1)
  const width = PANEL_W * Math.max(1, panels.length)
  const height = TITLE_H + LEGEND_H + PANEL_H
  const legend = panels[0]?.series ?? []
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    ...legend.map((series, i) => `<rect x="${20 + i * 160}" y="${TITLE_H}" width="14" height="14" fill="${escapeXml(series.color)}"/><text x="${40 + i * 160}" y="${TITLE_H + 12}" font-size="12">${escapeXml(series.name)}</text>`),
    ...panels.map((panel, i) => renderPanel(panel, ns, i * PANEL_W, TITLE_H + LEGEND_H)),
    '</svg>'
  ]
  return `${parts.join('\n')}\n`
}
