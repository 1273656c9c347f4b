package io.realmcluster.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {
    @Test
    void aPlotIsAPngOfTheSizeAskedWithPointsAtOrBelowZeroLeftOffLogAxes(@TempDir final Path dir) throws Exception {
        final Path png = dir.resolve("nested/plot.png");
        Plots.lines(
                png,
                "CreateInstance p99 by cluster size",
                "nodes",
                "ms",
                Map.of("before", new double[][] {{50, 4}, {100, 9}, {200, 0}}, "after", new double[][] {
                    {50, 2}, {100, 2}
                }),
                true,
                true);
        assertThat(Files.size(png)).isPositive();
        final var image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(900);
        assertThat(image.getHeight()).isEqualTo(560);
    }
}
