package io.lrpipeline.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What {@code --quiet} keeps of the services' output: the trainers' progress lines, not Kafka clients' chatter. */
class QuietOutputTest {
    @Test
    void aTrainersProgressLineIsProgressAKafkaWarningWithABarInItsThreadNameIsNot() {
        assertThat(LocalPipeline.isProgress("worker-0 | epoch 2/6 | iteration 10/14 | 11.5 img/s | loss 2.2325 | lr 0.0225")).isTrue();
        assertThat(LocalPipeline.isProgress("worker | model saved to /tmp/models/run/worker.zip")).isTrue();
        assertThat(LocalPipeline.isProgress("11:44:21.762 [kafka-producer-network-thread | producer-1] WARN "
                + "org.apache.kafka.clients.NetworkClient - [Producer clientId=producer-1] Bootstrap broker 127.0.0.1:46319 disconnected")).isFalse();
        assertThat(LocalPipeline.isProgress("2026-12-03 11:44:21,832 WARN  [org.apache.kafka.clients.NetworkClient] "
                + "(kafka-producer-network-thread | kafka-producer-lr-commands-out) Connection to node 1 could not be established.")).isFalse();
    }
}
