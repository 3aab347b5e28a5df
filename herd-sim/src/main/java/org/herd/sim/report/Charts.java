package org.herd.sim.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/** PNG charts (XChart, headless) in one plain style, small enough to embed in the docs. */
public final class Charts {

    /** Width of every chart in pixels. */
    public static final int WIDTH = 640;
    /** Height of every chart in pixels. */
    public static final int HEIGHT = 400;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    /** A line chart with the project's style. */
    public static XYChart xy(String title, String xTitle, String yTitle) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        style(c.getStyler());
        c.getStyler().setMarkerSize(5);
        return c;
    }

    /** A grouped bar chart with the project's style. */
    public static CategoryChart bars(String title, String xTitle, String yTitle) {
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        style(c.getStyler());
        return c;
    }

    private static void style(Styler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setLegendBorderColor(Color.LIGHT_GRAY);
        s.setChartTitleBoxVisible(false);
        s.setPlotBorderVisible(false);
        s.setAntiAlias(true);
    }

    /** Writes {@code chart} as {@code dir/name.png}; returns the path. */
    public static Path save(Chart<?, ?> chart, Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Path p = dir.resolve(name + ".png");
        BitmapEncoder.saveBitmap(chart, p.toString(), BitmapEncoder.BitmapFormat.PNG);
        return p;
    }
}
