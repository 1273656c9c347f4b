package io.realmcluster.processes;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** etcd's v3 JSON gateway, spoken raw, so these tests need no etcd client library. */
final class EtcdHttp {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .build();
    private static final Pattern VALUE = Pattern.compile("\"value\":\"([^\"]*)\"");

    private EtcdHttp() {}

    static void put(final String endpoint, final String key, final String value)
            throws IOException, InterruptedException {
        final HttpResponse<String> response =
                post(endpoint, "/v3/kv/put", "{\"key\":\"" + base64(key) + "\",\"value\":\"" + base64(value) + "\"}");
        if (response.statusCode() != 200) {
            throw new IOException("put " + key + ": HTTP " + response.statusCode() + " " + response.body());
        }
    }

    /** The value at {@code key}, or null. */
    static String get(final String endpoint, final String key) throws IOException, InterruptedException {
        final HttpResponse<String> response = post(endpoint, "/v3/kv/range", "{\"key\":\"" + base64(key) + "\"}");
        if (response.statusCode() != 200) {
            throw new IOException("range " + key + ": HTTP " + response.statusCode() + " " + response.body());
        }
        final Matcher value = VALUE.matcher(response.body());
        return value.find() ? new String(Base64.getDecoder().decode(value.group(1)), StandardCharsets.UTF_8) : null;
    }

    private static HttpResponse<String> post(final String endpoint, final String path, final String json)
            throws IOException, InterruptedException {
        final HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + path))
                .timeout(Duration.ofSeconds(2))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String base64(final String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
