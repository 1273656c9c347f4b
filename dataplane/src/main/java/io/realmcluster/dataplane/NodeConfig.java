package io.realmcluster.dataplane;

import io.realmcluster.common.auth.TokenKey;
import io.realmcluster.common.db.DatabaseCredentials;
import io.realmcluster.common.db.RealmDatabase;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.common.tls.TlsFiles;
import io.realmcluster.dataplane.net.ClientLimits;
import io.realmcluster.dataplane.world.battleground.ScoresToEnd;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Settings of one node, as parsed from its command line. */
public record NodeConfig(
        String nodeId,
        String incarnation,
        List<HostPort> controlPlanes,
        HostPort listen,
        HostPort clientListen,
        HostPort metricsListen,
        String advertiseHost,
        List<String> pools,
        int capacityPlayers,
        int tickThreads,
        /** SCHED_FIFO priority of the tick threads, 0 for ordinary scheduling. */
        int tickRealtimePriority,
        /** The control plane's public token keys: the current one, then the previous one during a rotation. */
        List<TokenKey> tokenKeys,
        /**
         * The database of every realm without its own; null with no {@code realmDatabases} runs the node without
         * one (characters live only in the process), null with some holds only their realms.
         */
        String dbUrl,
        DatabaseCredentials dbCredentials,
        /** How long a client transferred here has to arrive before its character is given back. */
        Duration transferArrival,
        /** What the client port takes from connections that have not said HELLO. */
        ClientLimits clientLimits,
        /** This node's certificate (naming node/nodeId) and the realm's CA; null without TLS. */
        TlsFiles tls,
        /** The database server's CA, for sslmode=verify-full; null to connect as the URL says. */
        Path dbCa,
        /** How long a battleground's gates stay closed after its instance loads. */
        Duration battlegroundPreparation,
        /** Realms with a database of their own ({@code --realm-db}), by realm. */
        Map<String, RealmDatabase> realmDatabases,
        /** How long a battleground's players stay after its match ends before they are sent home. */
        Duration battlegroundEnd,
        /** How long a battleground's side may stay under its minimum before it loses. */
        Duration battlegroundUnderMinimum,
        /** What ends each battleground's match by its objective ({@link ScoresToEnd#VANILLA} in a realm). */
        ScoresToEnd scoresToEnd) {}
