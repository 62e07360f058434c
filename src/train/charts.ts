/**
 * Charts as files: a Vega-Lite spec is compiled with vega-lite, rendered to SVG by vega (headless,
 * no DOM) and rasterised to PNG by resvg. Used for training curves and experiment figures.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { Resvg } from '@resvg/resvg-js';
import { writeFileAtomic } from './atomic-write.js';

/** One row of chart data: field name → value. */
export type ChartRow = Record<string, number | string | null>;

/** A line chart of one or more numeric series against a shared x field. */
export interface LineChartOptions {
  readonly rows: readonly ChartRow[];
  /** Field plotted on the x axis. */
  readonly x: string;
  /** Fields plotted as lines, one colour each (the field name is the legend label). */
  readonly series: readonly string[];
  readonly title?: string;
  readonly xTitle?: string;
  readonly yTitle?: string;
  /** The x values are integers (epochs, counts): whole-number ticks only. */
  readonly integerX?: boolean;
  /** Mark each value with a point (default true; false for dense curves). */
  readonly points?: boolean;
  readonly width?: number;
  readonly height?: number;
}

/** The Vega-Lite spec of a line chart (points marked) for {@link LineChartOptions}. */
export function lineChart(options: LineChartOptions): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title,
    width: options.width ?? 360,
    height: options.height ?? 240,
    data: { values: options.rows.map((row) => ({ ...row })) },
    transform: [{ fold: [...options.series], as: ['series', 'value'] }],
    mark: { type: 'line', point: options.points ?? true },
    encoding: {
      x: {
        field: options.x,
        type: 'quantitative',
        title: options.xTitle ?? options.x,
        ...(options.integerX ? { axis: { tickMinStep: 1, format: 'd' } } : {}),
      },
      y: { field: 'value', type: 'quantitative', title: options.yTitle ?? 'value', scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null, sort: [...options.series] },
    },
  } as TopLevelSpec;
}

/** Charts side by side, each with its own data, in one figure. */
export function sideBySide(charts: readonly TopLevelSpec[], title?: string): TopLevelSpec {
  const parts = charts.map((chart) => {
    const part: Record<string, unknown> = { ...chart };
    delete part.$schema;
    return part;
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    hconcat: parts,
    resolve: { scale: { color: 'independent' } },
    config: { background: 'white' },
  } as unknown as TopLevelSpec;
}

/** Render a Vega-Lite spec to an SVG string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const withBackground = { ...spec, background: (spec as { background?: string }).background ?? 'white' } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(withBackground).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterise an SVG string to PNG bytes (system fonts, 2x scale for sharp text). */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

/**
 * Write a chart as `<basePath>.svg` and `<basePath>.png`, each atomically. Returns both paths.
 */
export async function writeChart(spec: TopLevelSpec, basePath: string): Promise<{ svg: string; png: string }> {
  const svg = await renderSvg(spec);
  const files = { svg: `${basePath}.svg`, png: `${basePath}.png` };
  await writeFileAtomic(files.svg, svg);
  await writeFileAtomic(files.png, svgToPng(svg));
  return files;
}
