/** Plain-text renderings of result tables: CSV (RFC 4180 quoting) and GitHub markdown. */

/** A table: column headers and rows of cells (numbers are printed as given, null as empty). */
export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number | null)[])[];
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Render a table as CSV with a header line. */
export function toCsv(table: Table): string {
  const lines = [table.columns, ...table.rows].map((row) => row.map(csvCell).join(','));
  return `${lines.join('\n')}\n`;
}

function mdCell(value: string | number | null): string {
  return value === null ? '–' : String(value).replace(/\|/g, '\\|');
}

/** Render a table as a GitHub-flavoured markdown table. */
export function toMarkdown(table: Table): string {
  const header = `| ${table.columns.map(mdCell).join(' | ')} |`;
  const rule = `|${table.columns.map(() => ' --- ').join('|')}|`;
  const body = table.rows.map((row) => `| ${row.map(mdCell).join(' | ')} |`);
  return `${[header, rule, ...body].join('\n')}\n`;
}

/** Format a number with fixed decimals, or null when absent. */
export function fixed(value: number | null | undefined, digits = 2): string | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : value.toFixed(digits);
}
