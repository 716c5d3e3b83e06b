package io.lrpipeline.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lrpipeline.events.Topics;
import io.lrpipeline.kafka.KafkaSettings;
import io.lrpipeline.kafka.TopicPartitions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A secured broker: SASL_SSL with SCRAM-SHA-512, the StandardAuthorizer and the ACLs of {@link AccessRules}. */
class SecuredBrokerTest {
    @TempDir
    static Path dir;

    static BrokerSecurity security;
    static LocalKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        security = BrokerSecurity.generate(dir.resolve("security"));
        broker = LocalKafkaBroker.startSecured(dir.resolve("data"), security);
        broker.createContractTopics();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static void send(KafkaSettings kafka, String topic) throws Exception {
        try (KafkaProducer<String, String> producer = kafka.producer(Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000))) {
            producer.send(new ProducerRecord<>(topic, "run-secured", "{}")).get();
        }
    }

    private static Throwable refusal(KafkaSettings kafka, String topic) {
        try {
            send(kafka, topic);
            throw new AssertionError(topic + " took a record it should have refused");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
    }

    @Test
    void aClientWithoutCredentialsGetsNoAnswer() {
        try (KafkaConsumer<String, String> consumer = KafkaSettings.plain(broker.bootstrapServers()).committedReader()) {
            assertThatThrownBy(() -> consumer.partitionsFor(Topics.LR_EVENTS, Duration.ofSeconds(5)))
                    .isInstanceOf(TimeoutException.class);
        }
    }

    @Test
    void aWrongPasswordOrAnUnknownUserIsRefused() {
        for (Map<String, String> properties : List.of(
                security.clientProperties(Principal.SCHEDULER.userName(), "not-the-password"),
                security.clientProperties("mallory", "whatever"))) {
            try (KafkaConsumer<String, String> consumer = new KafkaSettings(broker.bootstrapServers(), properties).committedReader()) {
                assertThatThrownBy(() -> consumer.partitionsFor(Topics.LR_EVENTS, Duration.ofSeconds(20)))
                        .isInstanceOf(SaslAuthenticationException.class);
            }
        }
    }

    @Test
    void onlyTheSchedulerWritesWhatTrainersApply() throws Exception {
        for (Principal forger : List.of(Principal.TRAINER, Principal.OPERATOR, Principal.SINK)) {
            for (String topic : List.of(Topics.LR_EVENTS, Topics.STATE)) {
                // A principal that may write nowhere is refused a producer id before the topic is asked about.
                assertThat(refusal(broker.settings(forger), topic)).as("%s writing %s", forger, topic)
                        .isInstanceOf(AuthorizationException.class);
            }
        }
        send(broker.settings(Principal.SCHEDULER), Topics.LR_EVENTS);
        send(broker.settings(Principal.SCHEDULER), Topics.STATE);
        // It reads back what it issued when it takes over a run (TopicHistory), e.g. after a broker restart.
        assertThat(TopicPartitions.readAll(broker.settings(Principal.SCHEDULER), List.of(Topics.LR_EVENTS, Topics.STATE),
                Duration.ofSeconds(30))).isNotEmpty();
    }

    @Test
    void eachComponentDoesItsOwnJob() throws Exception {
        send(broker.settings(Principal.TRAINER), Topics.TRAINING_METRICS);
        send(broker.settings(Principal.OPERATOR), Topics.COMMANDS);
        assertThat(refusal(broker.settings(Principal.TRAINER), Topics.COMMANDS)).isInstanceOf(TopicAuthorizationException.class);
        assertThat(refusal(broker.settings(Principal.SINK), Topics.TRAINING_METRICS)).isInstanceOf(AuthorizationException.class);

        assertThat(TopicPartitions.readAll(broker.settings(Principal.TRAINER), List.of(Topics.LR_EVENTS, Topics.STATE),
                Duration.ofSeconds(30))).isNotNull();
        assertThat(TopicPartitions.readAll(broker.settings(Principal.SINK), List.of(Topics.TRAINING_METRICS, Topics.LR_EVENTS),
                Duration.ofSeconds(30))).isNotEmpty();
        assertThatThrownBy(() -> TopicPartitions.readAll(broker.settings(Principal.TRAINER), List.of(Topics.COMMANDS),
                Duration.ofSeconds(30))).isInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void theSecretsAreTheOwnersAlone() throws Exception {
        for (Principal principal : Principal.values()) {
            Path file = security.clientConfig(principal);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(Files.readString(file)).contains("username\\=\"" + principal.userName() + "\"");
        }
        assertThat(broker.settings(Principal.TRAINER).toString()).doesNotContain("password=");
    }
}
