// Row counts and checksums of every copied table of one database, read afresh: what
// `hookline copy` compares at its end, computed here on one side at a time so tests
// (and an operator, later) can compare two databases without running a copy.
import { DERIVED_COLUMNS } from "./copy-database.server";
import { openEndpoint } from "./copy-endpoints.server";
import { rowHash, TableChecksum, type Row } from "./copy-values";

export interface TableSum {
  table: string;
  rows: number;
  checksum: string;
}

export async function databaseChecksums(url: string, batchRows = 2000): Promise<TableSum[]> {
  const endpoint = openEndpoint(url, "source");
  try {
    await endpoint.beginSnapshot();
    const sums: TableSum[] = [];
    for (const table of (await endpoint.tables()).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const derived = DERIVED_COLUMNS[table.name] ?? {};
      const skip = new Set(table.columns.flatMap((column, i) => (column.name in derived ? [i] : [])));
      const kinds = table.columns.map((c) => c.kind);
      const keys = table.primaryKey.map((k) => table.columns.findIndex((c) => c.name === k));
      const sum = new TableChecksum();
      let cursor: Row | null = null;
      for (;;) {
        const rows = await endpoint.readAfter(table, cursor, batchRows);
        for (const row of rows) sum.add(rowHash(kinds, row, skip));
        if (rows.length < batchRows) break;
        cursor = keys.map((i) => rows.at(-1)![i]!);
      }
      sums.push({ table: table.name, rows: sum.rows, checksum: sum.hex });
    }
    return sums;
  } finally {
    await endpoint.close();
  }
}
