package io.lrpipeline.broker;

import io.lrpipeline.events.Topics;
import io.lrpipeline.kafka.KafkaSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Apache Kafka broker in KRaft mode (broker and controller in one), running in
 * this JVM from the Maven Central jars. Used by the local run and by the integration tests.
 *
 * <p>Plain (PLAINTEXT, anyone may do anything) for the quick start, or secured with a {@link BrokerSecurity}:
 * SASL_SSL with SCRAM-SHA-512 for every client, the KRaft {@code StandardAuthorizer}, and the ACLs of
 * {@link AccessRules}, set at every start.
 */
public final class LocalKafkaBroker implements AutoCloseable {
    private final Properties config;
    private final String bootstrapServers;
    private final Optional<BrokerSecurity> security;
    private KafkaRaftServer server;
    private boolean closed;

    private LocalKafkaBroker(Properties config, String bootstrapServers, Optional<BrokerSecurity> security) {
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.security = security;
        this.server = started(config);
        security.ifPresent(secured -> grantAccess());
    }

    /** Formats {@code dataDir} as a fresh single-node cluster and starts the broker on free loopback ports. */
    public static LocalKafkaBroker start(Path dataDir) {
        return start(dataDir, freePort());
    }

    /** As {@link #start(Path)}, with the client listener on {@code port}. */
    public static LocalKafkaBroker start(Path dataDir, int port) {
        return start(dataDir, port, Optional.empty());
    }

    /** As {@link #start(Path)}, secured by {@code security}: its principals are the only ones that get in. */
    public static LocalKafkaBroker startSecured(Path dataDir, BrokerSecurity security) {
        return startSecured(dataDir, freePort(), security);
    }

    /** As {@link #startSecured(Path, BrokerSecurity)}, with the client listener on {@code port}. */
    public static LocalKafkaBroker startSecured(Path dataDir, int port, BrokerSecurity security) {
        return start(dataDir, port, Optional.of(security));
    }

    private static LocalKafkaBroker start(Path dataDir, int port, Optional<BrokerSecurity> security) {
        Listeners listeners = Listeners.loopback(port, freePort());
        Properties config = serverConfig(dataDir, listeners);
        security.ifPresent(secured -> secured.configure(config, listeners));
        format(dataDir, config, security.map(BrokerSecurity::scramArguments).orElse(List.of()));
        return new LocalKafkaBroker(config, "127.0.0.1:" + port, security);
    }

    private static KafkaRaftServer started(Properties config) {
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
        server.startup();
        return server;
    }

    /** Stops the broker and starts it again on the same ports and log directory: what it held is still there. */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("the broker is closed");
        }
        server.shutdown();
        server.awaitShutdown();
        server = started(config);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public boolean isSecured() {
        return security.isPresent();
    }

    /** How {@code principal} reaches this broker; on a plain broker every principal is anyone. */
    public KafkaSettings settings(Principal principal) {
        return security.map(secured -> secured.settings(bootstrapServers, principal)).orElse(KafkaSettings.plain(bootstrapServers));
    }

    /** The client properties file of {@code principal} for {@code --kafka-config}; none on a plain broker. */
    public Optional<Path> clientConfig(Principal principal) {
        return security.map(secured -> secured.clientConfig(principal));
    }

    /** Sets the ACLs of {@link AccessRules}. */
    private void grantAccess() {
        try (Admin admin = settings(Principal.ADMIN).admin()) {
            AccessRules.grant(admin);
        }
    }

    /** Creates every topic of the contract ({@link Topics#ALL}) with its configs; existing topics are left alone. */
    public void createContractTopics() {
        try (Admin admin = settings(Principal.ADMIN).admin()) {
            ContractTopics.create(admin, (short) 1);
        }
    }

    /** Stops the broker and waits for it; safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown();
        server.awaitShutdown();
    }

    /** A plain single-node broker and controller keeping its data in {@code dataDir}; a {@link BrokerSecurity} may secure it. */
    static Properties serverConfig(Path dataDir, Listeners listeners) {
        Properties config = new Properties();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("listeners", listeners.bound("PLAINTEXT"));
        config.put("advertised.listeners", listeners.advertised("PLAINTEXT"));
        config.put("controller.listener.names", "CONTROLLER");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("controller.quorum.bootstrap.servers", listeners.controller());
        config.put("log.dirs", dataDir.toAbsolutePath().toString());
        config.put("num.partitions", "3");
        // One node: every internal topic has one replica, and consumer groups form without delay.
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "3");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        return config;
    }

    /** Runs the same code as {@code kafka-storage.sh format --standalone}, without its System.exit. */
    private static void format(Path dataDir, Properties config, List<String> scramArguments) {
        try {
            Files.createDirectories(dataDir);
            Path file = dataDir.resolve("server.properties");
            // Owner only: a secured broker's file holds its store and inter-broker passwords.
            Secrets.writeOwnerOnly(file, config, "lr-pipeline local broker");
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            List<String> args = new ArrayList<>(List.of("format", "--config", file.toString()));
            args.addAll(formatArguments(scramArguments));
            int status = StorageTool.execute(args.toArray(String[]::new), new PrintStream(output, true, StandardCharsets.UTF_8));
            if (status != 0) {
                throw new IllegalStateException("formatting " + dataDir + " failed: " + output.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What {@code kafka-storage.sh format} needs besides {@code --config}: a new cluster id, one voter (this node),
     * and {@code scramArguments}, the credentials a secured cluster starts with.
     */
    static List<String> formatArguments(List<String> scramArguments) {
        // --cluster-id=ID in one word: a random id may start with '-'.
        List<String> arguments = new ArrayList<>(List.of("--cluster-id=" + Uuid.randomUuid(), "--standalone"));
        arguments.addAll(scramArguments);
        return arguments;
    }

    /** A port free on this machine now, for a loopback service (the broker's own, and the local run's others). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
