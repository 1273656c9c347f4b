package io.realmcluster.tools.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * One reading of a process's Prometheus endpoint: every sample by its name with labels, as the
 * text format writes it ({@code realm_node_players{instance="main.0"}}).
 */
public record Scrape(Map<String, Double> samples) {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Read {@code http://ADDRESS/metrics}, with a 5 s deadline. */
    public static Scrape of(final String address) throws IOException, InterruptedException {
        final HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://" + address + "/metrics"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("metrics at " + address + " answered HTTP " + response.statusCode());
        }
        final Map<String, Double> samples = new TreeMap<>();
        for (final String line : response.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            final int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return new Scrape(Map.copyOf(samples));
    }

    /** The sum of the samples whose name (with labels) starts with {@code prefix}; 0 when there are none. */
    public double sum(final String prefix) {
        return samples.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix))
                .mapToDouble(Map.Entry::getValue)
                .sum();
    }
}
