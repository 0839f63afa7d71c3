/** Table, Table.Row, Table.Cell, and Chart (drawn as the table of its data: approximate, but nothing is hidden). */
import { length, spacing } from "./style";
import { childrenOf, elementFor, type ComponentRenderer } from "./WidgetNode";

const Table: ComponentRenderer = (node, _context, renderChild) => {
  const table = elementFor("table", node, "ck-table");
  const body = document.createElement("tbody");
  for (const row of childrenOf(node)) body.append(renderChild(row));
  table.append(body);
  return table;
};

const TableRow: ComponentRenderer = (node, _context, renderChild) => {
  const row = elementFor("tr", node, "ck-table-row");
  if (node["header"] === true) row.classList.add("ck-table-header");
  for (const cell of childrenOf(node)) row.append(renderChild(cell));
  return row;
};

const TableCell: ComponentRenderer = (node, _context, renderChild) => {
  const cell = elementFor("td", node, "ck-table-cell");
  if (typeof node["colSpan"] === "number") cell.colSpan = node["colSpan"];
  if (typeof node["rowSpan"] === "number") cell.rowSpan = node["rowSpan"];
  const align = node["align"];
  if (typeof align === "string")
    cell.style.textAlign = align === "center" ? "center" : align === "end" ? "right" : "left";
  cell.style.width = length(node["width"]) ?? "";
  const padding = spacing(node["padding"]);
  if (padding !== undefined) cell.style.padding = padding;
  for (const child of childrenOf(node)) cell.append(renderChild(child));
  return cell;
};

const Chart: ComponentRenderer = (node) => {
  const figure = elementFor("figure", node, "ck-chart");
  const caption = document.createElement("figcaption");
  caption.textContent = "Chart";
  const xAxis = node["xAxis"];
  const xKey =
    typeof xAxis === "string" ? xAxis : ((xAxis as { dataKey?: unknown } | undefined)?.dataKey as string);
  const series = (Array.isArray(node["series"]) ? node["series"] : []) as {
    dataKey?: unknown;
    label?: unknown;
  }[];
  const data = (Array.isArray(node["data"]) ? node["data"] : []) as Record<
    string,
    string | number | undefined
  >[];
  const table = document.createElement("table");
  table.className = "ck-table";
  const head = table.insertRow();
  head.className = "ck-table-header";
  for (const label of [
    xKey,
    ...series.map((s) => (typeof s.label === "string" ? s.label : String(s.dataKey))),
  ])
    head.insertCell().textContent = String(label ?? "");
  for (const point of data) {
    const row = table.insertRow();
    row.insertCell().textContent = String(point[xKey] ?? "");
    for (const s of series) row.insertCell().textContent = String(point[String(s.dataKey)] ?? "");
  }
  figure.append(caption, table);
  return figure;
};

export const TABLE_RENDERERS: Readonly<Record<string, ComponentRenderer>> = {
  Table,
  "Table.Row": TableRow,
  "Table.Cell": TableCell,
  Chart,
};
