package io.lrpipeline.lrctl;

import static io.lrpipeline.broker.LocalKafkaBroker.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lrpipeline.broker.AccessRules;
import io.lrpipeline.broker.LocalKafkaBroker;
import io.lrpipeline.broker.Principal;
import io.lrpipeline.broker.SecuredClusterFiles;
import io.lrpipeline.events.Topics;
import io.lrpipeline.kafka.KafkaSettings;
import java.io.ByteArrayOutputStream;
import java.io.FileReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lrctl topics}, {@code acls} and {@code init-security} on real brokers, their output as printed: the topics of
 * a plain broker, and a secured broker started the way compose's secure variant starts one, by Kafka's own storage
 * tool and server from nothing but the files {@code init-security} wrote.
 */
class ClusterSetupTest {
    private record Result(int exitCode, String out, String err) {}

    @Test
    void topicsCreatesTheContractsTopicsWithTheirConfigsAndLeavesExistingOnesAlone(@TempDir Path dir) throws Exception {
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir)) {
            Result first = lrctl("topics", "--bootstrap-servers", broker.bootstrapServers());
            Result second = lrctl("topics", "--bootstrap-servers", broker.bootstrapServers());

            assertThat(first.exitCode()).isZero();
            assertThat(first.out().lines()).hasSize(Topics.ALL.size()).allMatch(line -> line.endsWith(" created"));
            assertThat(second.out().lines()).hasSize(Topics.ALL.size()).allMatch(line -> line.endsWith(" exists, left as it is"));
            try (Admin admin = broker.settings(Principal.ADMIN).admin()) {
                for (Topics.TopicSpec topic : Topics.ALL) {
                    assertThat(admin.describeTopics(List.of(topic.name())).allTopicNames().get().get(topic.name()).partitions())
                            .hasSize(topic.partitions());
                    Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic.name())))
                            .all().get().values().iterator().next();
                    topic.configs().forEach((name, value) -> assertThat(config.get(name).value()).as(topic.name() + " " + name).isEqualTo(value));
                }
            }
        }
    }

    @Test
    void anUnreachableBrokerIsOneLineAndExitStatusTwo() throws Exception {
        String address = "127.0.0.1:" + freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LrCtl.class.getName(), "topics", "--bootstrap-servers", address, "--timeout", "3"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(printed).isEqualTo("lrctl topics: no Kafka broker answered at " + address + " within 3 s"
                + " (is it up? does it need --kafka-config?)\n");
    }

    @Test
    void aSecuredBrokerStartsFromTheFilesOfInitSecurityAndTheAclsHoldOnIt(@TempDir Path dir) throws Exception {
        Path security = dir.resolve("security");
        int port = freePort();
        List<String> init = List.of("init-security", "--dir", security.toString(), "--host", "localhost", "--listen-host", "127.0.0.1",
                "--port", String.valueOf(port), "--controller-port", String.valueOf(freePort()), "--data-dir", dir.resolve("data").toString());

        Result written = lrctl(init.toArray(String[]::new));

        assertThat(written).isEqualTo(new Result(0, "wrote a secured broker's files for localhost:" + port + " into " + security + "\n", ""));
        try (Stream<Path> files = Files.list(security)) {
            for (Path file : files.toList()) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString()).isEqualTo("rw-------");
            }
        }
        String bootstrap = "localhost:" + port;
        KafkaRaftServer server = startAsKafkasScriptsDo(security);
        try {
            Path admin = security.resolve("lr-admin.properties");
            assertThat(lrctl("acls", "--bootstrap-servers", bootstrap, "--kafka-config", admin.toString()).out())
                    .isEqualTo("set " + AccessRules.GRANTS.size() + " ACLs for [lr-trainer, lr-scheduler, lr-sink, lr-operator]\n");
            assertThat(lrctl("topics", "--bootstrap-servers", bootstrap, "--kafka-config", admin.toString()).out().lines())
                    .hasSize(Topics.ALL.size()).allMatch(line -> line.endsWith(" created"));

            Result noCredentials = lrctl("topics", "--bootstrap-servers", bootstrap, "--timeout", "3");
            assertThat(noCredentials.exitCode()).isEqualTo(2);
            assertThat(noCredentials.err()).startsWith("lrctl topics: no Kafka broker answered at " + bootstrap).doesNotContain("\tat ");

            Path wrongPassword = dir.resolve("wrong-password.properties");
            Properties wrong = load(admin);
            wrong.put("sasl.jaas.config", wrong.getProperty("sasl.jaas.config").replaceAll("password=\"\\w+\"", "password=\"wrong\""));
            try (var writer = Files.newBufferedWriter(wrongPassword)) {
                wrong.store(writer, null);
            }
            Result refused = lrctl("topics", "--bootstrap-servers", bootstrap, "--kafka-config", wrongPassword.toString());
            assertThat(refused.exitCode()).isEqualTo(2);
            assertThat(refused.err()).startsWith("lrctl topics: Kafka at " + bootstrap + " refused: Authentication failed")
                    .hasLineCount(1);

            KafkaSettings trainer = KafkaSettings.load(bootstrap, Optional.of(security.resolve("lr-trainer.properties")), Map.of());
            try (KafkaProducer<String, String> producer = trainer.producer(Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000))) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.LR_EVENTS, "run", "{}")).get())
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
            }
            try (KafkaProducer<String, String> producer = trainer.producer(Map.of())) {
                assertThat(producer.send(new ProducerRecord<>(Topics.TRAINING_METRICS, "run", "{}")).get().topic()).isEqualTo(Topics.TRAINING_METRICS);
            }
        } finally {
            server.shutdown();
            server.awaitShutdown();
        }
        String before = Files.readString(security.resolve("lr-admin.properties"));
        assertThat(lrctl(init.toArray(String[]::new)).out()).startsWith("kept " + security + ": it holds a secured broker's files already");
        assertThat(Files.readString(security.resolve("lr-admin.properties"))).isEqualTo(before);
    }

    /**
     * As compose's secure Kafka service does: {@code kafka-storage.sh format --ignore-formatted --config
     * server.properties} with the lines of {@code format-arguments}, then the server on {@code server.properties}.
     */
    private static KafkaRaftServer startAsKafkasScriptsDo(Path security) throws Exception {
        Path serverProperties = security.resolve(SecuredClusterFiles.SERVER_PROPERTIES);
        List<String> format = new ArrayList<>(List.of("format", "--ignore-formatted", "--config", serverProperties.toString()));
        format.addAll(Files.readAllLines(security.resolve(SecuredClusterFiles.FORMAT_ARGUMENTS)));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        assertThat(StorageTool.execute(format.toArray(String[]::new), new PrintStream(output, true, StandardCharsets.UTF_8)))
                .as(output.toString(StandardCharsets.UTF_8)).isZero();
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(load(serverProperties), false), Time.SYSTEM);
        server.startup();
        return server;
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (FileReader reader = new FileReader(file.toFile(), StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return properties;
    }

    private static Result lrctl(String... arguments) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var commandLine = LrCtl.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(arguments);
        return new Result(exitCode, out.toString(), err.toString());
    }
}
