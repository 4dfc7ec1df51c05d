// Small DOM helpers for the market page.

export function element<T extends HTMLElement = HTMLElement>(selector: string): T {
  const found = document.querySelector<T>(selector);
  if (found === null) throw new Error(`missing ${selector}`);
  return found;
}

/** Replaces a table's rows; each row is a list of cells, with an optional class for the row. */
export function fillTable(
  table: HTMLTableElement,
  rows: readonly { cells: readonly string[]; className?: string }[],
) {
  const body = document.createElement("tbody");
  for (const row of rows) {
    const tr = document.createElement("tr");
    if (row.className !== undefined) tr.className = row.className;
    for (const cell of row.cells) {
      const td = document.createElement("td");
      td.textContent = cell;
      tr.append(td);
    }
    body.append(tr);
  }
  table.replaceChildren(body);
}

/** Runs `render` at most once per `ms`, after the latest call. */
export function throttle(render: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return () => {
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      render();
    }, ms);
  };
}

export function log(message: string): void {
  element("#log").textContent = `${new Date().toLocaleTimeString([], { hour12: false })} ${message}`;
}

export function counter(target: HTMLElement, attribute: string): () => number {
  return () => {
    const next = Number(target.getAttribute(attribute) ?? "0") + 1;
    target.setAttribute(attribute, String(next));
    return next;
  };
}
