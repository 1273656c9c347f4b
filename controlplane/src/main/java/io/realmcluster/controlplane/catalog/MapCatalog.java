package io.realmcluster.controlplane.catalog;

import com.google.protobuf.util.JsonFormat;
import io.realmcluster.proto.v1.Catalog;
import io.realmcluster.proto.v1.MapDefinition;
import io.realmcluster.proto.v1.MapKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The maps of the game (data in {@code catalog/vanilla-maps.json}) and the realms this control plane serves. */
public final class MapCatalog {
    private static final String RESOURCE = "/catalog/vanilla-maps.json";

    private final Map<Integer, MapDefinition> maps;
    private final List<String> realms;

    private MapCatalog(final Map<Integer, MapDefinition> maps, final List<String> realms) {
        this.maps = maps;
        this.realms = List.copyOf(realms);
    }

    /** The vanilla catalog shipped with the control plane, serving {@code realms}. */
    public static MapCatalog vanilla(final List<String> realms) {
        try (InputStream in = MapCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("map catalog " + RESOURCE + " missing from the class path");
            }
            return parse(new InputStreamReader(in, StandardCharsets.UTF_8), realms);
        } catch (final IOException e) {
            throw new IllegalStateException("cannot read map catalog " + RESOURCE, e);
        }
    }

    static MapCatalog parse(final Reader json, final List<String> realms) throws IOException {
        final Catalog.Builder builder = Catalog.newBuilder();
        JsonFormat.parser().merge(json, builder);
        final Map<Integer, MapDefinition> byId = new TreeMap<>();
        for (final MapDefinition map : builder.getMapsList()) {
            if (map.getKind() == MapKind.MAP_KIND_UNSPECIFIED || map.getMaxPlayers() <= 0 || map.getTickHz() <= 0) {
                throw new IllegalStateException(
                        "map " + map.getMapId() + " (" + map.getName() + ") lacks kind, players or tick rate");
            }
            if (byId.put(map.getMapId(), map) != null) {
                throw new IllegalStateException("map id " + map.getMapId() + " appears twice in the catalog");
            }
        }
        for (final String realm : realms) {
            if (!realm.matches("[a-z0-9][a-z0-9-]{0,31}")) {
                throw new IllegalArgumentException(
                        "realm name must be 1 to 32 lower-case letters, digits or '-', got '" + realm + "'");
            }
        }
        return new MapCatalog(byId, realms);
    }

    public Optional<MapDefinition> map(final int mapId) {
        return Optional.ofNullable(maps.get(mapId));
    }

    public List<MapDefinition> continents() {
        return maps.values().stream()
                .filter(m -> m.getKind() == MapKind.MAP_KIND_CONTINENT)
                .toList();
    }

    public List<String> realms() {
        return realms;
    }

    public boolean servesRealm(final String realm) {
        return realms.contains(realm);
    }

    /** The pool a kind of map is placed in: continent, dungeon, raid or battleground. */
    public static String pool(final MapKind kind) {
        return kind.name().replace("MAP_KIND_", "").toLowerCase(Locale.ROOT);
    }

    public Catalog toProto() {
        return Catalog.newBuilder()
                .addAllMaps(maps.values())
                .addAllRealms(realms)
                .build();
    }
}
