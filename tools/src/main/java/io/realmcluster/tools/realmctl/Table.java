package io.realmcluster.tools.realmctl;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table in kubectl's style: upper-case headers, columns padded by three spaces. */
public final class Table {
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(final String... headers) {
        this.headers = List.of(headers);
    }

    public Table row(final Object... cells) {
        final List<String> row = new ArrayList<>(cells.length);
        for (final Object cell : cells) {
            row.add(cell == null ? "" : cell.toString());
        }
        rows.add(row);
        return this;
    }

    public void print(final PrintStream out) {
        final int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
            for (final List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        line(out, headers, widths);
        for (final List<String> row : rows) {
            line(out, row, widths);
        }
    }

    private static void line(final PrintStream out, final List<String> cells, final int[] widths) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            sb.append(cells.get(i));
            if (i < cells.size() - 1) {
                sb.append(" ".repeat(widths[i] - cells.get(i).length() + 3));
            }
        }
        out.println(sb);
    }
}
