package io.lrpipeline.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How every client of the project reaches Kafka: the bootstrap servers and any standard client property
 * (security.protocol, sasl.*, ssl.*, timeouts), read from a {@code --kafka-config FILE} as Kafka's own tools read
 * {@code --command-config}, and from {@code KAFKA_*} environment variables, which win over the file.
 *
 * <p>Each client gets only the properties its kind knows (a producer is not handed {@code group.id}), and what the
 * caller sets for its own job (serializers, isolation level, transactional id) wins over both sources, so a
 * configuration file can secure a client but cannot change what it does.
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> properties) {
    private static final Set<String> PRODUCER = ProducerConfig.configNames();
    private static final Set<String> CONSUMER = ConsumerConfig.configNames();
    private static final Set<String> ADMIN = AdminClientConfig.configNames();
    private static final String ENVIRONMENT_PREFIX = "KAFKA_";

    /** The help text of every program's {@code --kafka-config} option. */
    public static final String CONFIG_HELP = "Kafka client properties (security.protocol, sasl.*, ssl.*, ...), as for"
            + " Kafka's own --command-config; KAFKA_* environment variables add to them and win"
            + " (KAFKA_SECURITY_PROTOCOL is security.protocol) (env KAFKA_CONFIG).";

    public KafkaSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("no Kafka bootstrap servers given");
        }
        properties = Map.copyOf(properties);
    }

    /** A broker reached by address alone, as the embedded one of the quick start and the tests. */
    public static KafkaSettings plain(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, Map.of());
    }

    /**
     * The settings of a program: the file's properties, then the environment's. A file naming anything that is
     * not a Kafka client property is refused (a typo would otherwise leave a client unsecured without a word);
     * environment variables that are not client properties ({@code KAFKA_HEAP_OPTS}) are ignored.
     */
    public static KafkaSettings load(String bootstrapServers, Optional<Path> configFile, Map<String, String> environment) {
        Map<String, String> properties = new TreeMap<>();
        configFile.ifPresent(file -> properties.putAll(read(file)));
        properties.putAll(fromEnvironment(environment));
        properties.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        return new KafkaSettings(bootstrapServers, properties);
    }

    static Map<String, String> fromEnvironment(Map<String, String> environment) {
        Map<String, String> properties = new TreeMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(ENVIRONMENT_PREFIX)) {
                String property = name.substring(ENVIRONMENT_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                if (isClientProperty(property)) {
                    properties.put(property, value);
                }
            }
        });
        return properties;
    }

    private static Map<String, String> read(Path file) {
        Properties loaded = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            loaded.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("--kafka-config " + file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        Map<String, String> properties = new TreeMap<>();
        for (String name : loaded.stringPropertyNames()) {
            if (!isClientProperty(name)) {
                throw new IllegalArgumentException("--kafka-config " + file + ": '" + name + "' is not a Kafka client property");
            }
            properties.put(name, loaded.getProperty(name));
        }
        return properties;
    }

    private static boolean isClientProperty(String name) {
        return PRODUCER.contains(name) || CONSUMER.contains(name) || ADMIN.contains(name);
    }

    /**
     * A consumer of string keys and values; {@code own} is what this consumer needs for its job. No consumer of the
     * project creates a topic by asking for it: a contract topic made that way would lack its configs (an
     * {@code lr.state} that is not compacted), so a missing topic is waited for or named instead.
     */
    public KafkaConsumer<String, String> consumer(Map<String, ?> own) {
        return new KafkaConsumer<>(consumerConfig(own), new StringDeserializer(), new StringDeserializer());
    }

    /** A consumer outside any group that sees committed records only: for reading topics from the start. */
    public KafkaConsumer<String, String> committedReader() {
        return consumer(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
    }

    /** A producer of string keys and values; {@code own} is what this producer needs for its job. */
    public KafkaProducer<String, String> producer(Map<String, ?> own) {
        return new KafkaProducer<>(producerConfig(own), new StringSerializer(), new StringSerializer());
    }

    public Admin admin() {
        return admin(Map.of());
    }

    /** An admin client; {@code own} is what it needs for its job (a command line's shorter timeouts). */
    public Admin admin(Map<String, ?> own) {
        return Admin.create(config(ADMIN, own));
    }

    /** The properties that both producers and consumers know, for a framework that builds its own clients. */
    public Map<String, Object> forProducersAndConsumers() {
        Set<String> known = new HashSet<>(PRODUCER);
        known.addAll(CONSUMER);
        return config(known, Map.of());
    }

    Map<String, Object> consumerConfig(Map<String, ?> own) {
        Map<String, Object> config = config(CONSUMER, own);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        return config;
    }

    Map<String, Object> producerConfig(Map<String, ?> own) {
        return config(PRODUCER, own);
    }

    private Map<String, Object> config(Set<String> known, Map<String, ?> own) {
        Map<String, Object> config = new HashMap<>();
        properties.forEach((name, value) -> {
            if (known.contains(name)) {
                config.put(name, value);
            }
        });
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.putAll(own);
        return config;
    }

    /** Names the properties but never their values: passwords and keys end up in logs otherwise. */
    @Override
    public String toString() {
        return "KafkaSettings[" + bootstrapServers
                + (properties.isEmpty() ? "" : ", with " + new TreeMap<>(properties).keySet()) + "]";
    }
}
