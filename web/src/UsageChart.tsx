/**
 * The 24-hour usage chart: one bar per clock hour (uPlot, bundled). The same numbers are in a table for screen
 * readers and for anyone who prefers figures.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ApiUsageJson } from './api.ts';
import { formatHour, formatNumber } from './format.ts';

export function UsageChart({ hourly, allocation }: { hourly: ApiUsageJson['hourly']; allocation: number | null }) {
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const xs = hourly.map((bucket) => Math.floor(new Date(bucket.hourStart).getTime() / 1000) + 1800);
    const ys = hourly.map((bucket) => bucket.calls);
    const accent = getComputedStyle(element).getPropertyValue('--accent').trim() || '#2563eb';
    const width = () => Math.max(240, element.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height: 180,
        legend: { show: false },
        cursor: { y: false, points: { show: false } },
        scales: { x: { time: true, range: (_u, min, max) => [min - 1800, max + 1800] }, y: { range: (_u, _min, max) => [0, Math.max(10, Math.ceil(max * 1.15))] } },
        axes: [
          { stroke: '#6b7280', grid: { show: false }, ticks: { show: false }, values: (_u, splits) => splits.map((split) => formatHour(new Date(split * 1000).toISOString())) },
          { stroke: '#6b7280', grid: { stroke: '#eef0f3' }, ticks: { show: false }, size: 56 },
        ],
        series: [{}, { label: 'API calls', fill: `${accent}cc`, stroke: accent, width: 0, paths: uPlot.paths.bars!({ size: [0.7, 40] }), points: { show: false } }],
      },
      [xs, ys],
      element,
    );
    const observer = new ResizeObserver(() => plot.setSize({ width: width(), height: 180 }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [hourly]);

  const peak = hourly.reduce((max, bucket) => Math.max(max, bucket.calls), 0);
  return (
    <figure className="usage-chart">
      <figcaption>
        Salesforce API calls per hour, last 24 hours{allocation ? ` (allocation ${formatNumber(allocation)} a day)` : ''}; peak {formatNumber(peak)} in an hour
      </figcaption>
      <div ref={container} className="chart" aria-hidden="true" />
      <details>
        <summary>Show as table</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Hour</th>
              <th scope="col" className="num">
                Calls
              </th>
            </tr>
          </thead>
          <tbody>
            {hourly.map((bucket) => (
              <tr key={bucket.hourStart}>
                <td>{formatHour(bucket.hourStart)}</td>
                <td className="num">{formatNumber(bucket.calls)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
