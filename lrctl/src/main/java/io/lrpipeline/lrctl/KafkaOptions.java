package io.lrpipeline.lrctl;

import io.lrpipeline.kafka.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Option;

/** How a command reaches Kafka: the same options and environment as every other program of the project. */
final class KafkaOptions {
    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (env KAFKA_BOOTSTRAP_SERVERS; default ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE", defaultValue = "${env:KAFKA_CONFIG}", description = KafkaSettings.CONFIG_HELP)
    Optional<Path> kafkaConfig;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "${env:LRCTL_TIMEOUT:-30}",
            description = "How long to wait for the cluster before giving up (env LRCTL_TIMEOUT; default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    /**
     * An admin client of a cluster that answered: one that did not answer within the timeout, or refused these
     * credentials, is an {@link IllegalStateException} that says so.
     */
    Admin connectedAdmin() {
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        Admin admin = settings().admin(Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000)));
        try {
            admin.describeCluster().clusterId().get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            return admin;
        } catch (TimeoutException e) {
            admin.close(Duration.ZERO);
            throw noAnswer();
        } catch (ExecutionException e) {
            admin.close(Duration.ZERO);
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw noAnswer();
            }
            throw new IllegalStateException("Kafka at " + bootstrapServers + " refused: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            admin.close(Duration.ZERO);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reaching Kafka", e);
        }
    }

    /** The settings these options and the environment make, as every program of the project reads them. */
    KafkaSettings settings() {
        return KafkaSettings.load(bootstrapServers, kafkaConfig, System.getenv());
    }

    private IllegalStateException noAnswer() {
        return new IllegalStateException("no Kafka broker answered at " + bootstrapServers + " within " + timeoutSeconds + " s"
                + " (is it up? does it need --kafka-config?)");
    }
}
