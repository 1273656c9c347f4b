package io.realmcluster.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The benchmarks' plots: lines of points, each series a name, written as PNG beside the numbers in
 * bench/results/. Headless (no display needed).
 */
public final class Plots {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;

    private Plots() {}

    /** A logarithmic axis labelled with plain numbers (50, 100, 200), not powers of ten. */
    private static LogAxis logAxis(final String label) {
        final LogAxis axis = new LogAxis(label);
        axis.setBase(10);
        axis.setStandardTickUnits(NumberAxis.createStandardTickUnits());
        axis.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.##"));
        return axis;
    }

    /**
     * Write {@code png}: one line per series (its points as {x, y} pairs), logarithmic on the axes asked for (a
     * point at or below zero is left out of a logarithmic axis).
     */
    public static void lines(
            final Path png,
            final String title,
            final String xLabel,
            final String yLabel,
            final Map<String, double[][]> series,
            final boolean logX,
            final boolean logY)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        final XYSeriesCollection data = new XYSeriesCollection();
        series.forEach((name, points) -> {
            final XYSeries line = new XYSeries(name);
            for (final double[] point : points) {
                if ((!logX || point[0] > 0) && (!logY || point[1] > 0)) {
                    line.add(point[0], point[1]);
                }
            }
            data.addSeries(line);
        });
        final JFreeChart chart = ChartFactory.createXYLineChart(
                title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true, false, false);
        final XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        if (logX) {
            plot.setDomainAxis(logAxis(xLabel));
        }
        if (logY) {
            plot.setRangeAxis(logAxis(yLabel));
        }
        final XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
        Files.createDirectories(png.toAbsolutePath().getParent());
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
    }
}
