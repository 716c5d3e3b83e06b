package io.lrpipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSettingsTest {
    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void fileAndEnvironmentGiveClientProperties_environmentWins() throws Exception {
        Path config = file("security.protocol=SSL\nssl.truststore.location=/etc/trust.p12\nbootstrap.servers=elsewhere:9092\n");
        KafkaSettings settings = KafkaSettings.load("broker:9092", Optional.of(config), Map.of(
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_HEAP_OPTS", "-Xmx1g",
                "HOME", "/root"));

        assertThat(settings.bootstrapServers()).isEqualTo("broker:9092");
        assertThat(settings.properties()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "ssl.truststore.location", "/etc/trust.p12"));
    }

    @Test
    void aFileNamingWhatIsNotAClientPropertyIsRefused() throws Exception {
        Path config = file("security.protocol=SSL\nsecurity.protocl=SASL_SSL\n");

        assertThatThrownBy(() -> KafkaSettings.load("broker:9092", Optional.of(config), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'security.protocl' is not a Kafka client property");
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nowhere.properties");

        assertThatThrownBy(() -> KafkaSettings.load("broker:9092", Optional.of(missing), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--kafka-config " + missing + ": cannot be read");
    }

    @Test
    void eachClientGetsOnlyWhatItsKindKnows_andItsOwnSettingsWin() {
        KafkaSettings settings = new KafkaSettings("broker:9092", Map.of(
                "security.protocol", "SASL_SSL",
                "group.id", "from-the-file",
                "isolation.level", "read_uncommitted",
                "acks", "0"));

        assertThat(settings.producerConfig(Map.of("acks", "all")))
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("acks", "all")
                .containsEntry("bootstrap.servers", "broker:9092")
                .doesNotContainKeys("group.id", "isolation.level");
        assertThat(settings.consumerConfig(Map.of("isolation.level", "read_committed")))
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("group.id", "from-the-file")
                .containsEntry("allow.auto.create.topics", "false")
                .doesNotContainKey("acks");
    }

    @Test
    void noBootstrapServersIsRefused() {
        assertThatThrownBy(() -> KafkaSettings.plain(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no Kafka bootstrap servers given");
    }

    @Test
    void printedSettingsNameThePropertiesButNeverTheirValues() {
        KafkaSettings settings = new KafkaSettings("broker:9092", Map.of(
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required password=\"s3cret\";",
                "security.protocol", "SASL_SSL"));

        assertThat(settings.toString())
                .isEqualTo("KafkaSettings[broker:9092, with [sasl.jaas.config, security.protocol]]")
                .doesNotContain("s3cret");
    }
}
