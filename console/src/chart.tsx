// A live line chart (uPlot): x is time in seconds, one line per named series.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const COLORS = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#be185d', '#4b5563'];

export function LineChart({ title, unit, x, series }: { title: string; unit: string; x: number[]; series: { name: string; values: (number | null)[] }[] }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot>();
  const names = series.map((s) => s.name).join('\u0000');
  useEffect(() => {
    const el = box.current!;
    const opts: uPlot.Options = {
      title,
      width: Math.max(280, el.clientWidth || 480),
      height: 180,
      series: [{}, ...series.map((s, i) => ({ label: s.name, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: true }))],
      axes: [{}, { label: unit, size: 60 }],
      scales: { x: { time: true } },
      legend: { live: false },
    };
    plot.current = new uPlot(opts, [x, ...series.map((s) => s.values)] as uPlot.AlignedData, el);
    const resize = () => plot.current?.setSize({ width: Math.max(280, el.clientWidth), height: 180 });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.current?.destroy();
    };
  }, [names, title, unit]);
  useEffect(() => {
    plot.current?.setData([x, ...series.map((s) => s.values)] as uPlot.AlignedData);
  }, [x, series]);
  return <div class="chart" ref={box} role="img" aria-label={title} />;
}
