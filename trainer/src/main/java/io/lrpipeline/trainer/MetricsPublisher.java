package io.lrpipeline.trainer;

import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.TrainingMetric;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes a worker's metrics on {@code training.metrics}, keyed by run id so a run's metrics stay in order. */
public final class MetricsPublisher implements Consumer<TrainingMetric>, AutoCloseable {
    private final KafkaProducer<String, String> producer;

    public MetricsPublisher(String bootstrapServers) {
        this.producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.LINGER_MS_CONFIG, "5"),
                new StringSerializer(), new StringSerializer());
    }

    @Override
    public void accept(TrainingMetric metric) {
        producer.send(new ProducerRecord<>(Topics.TRAINING_METRICS, metric.runId(), EventJson.write(metric)));
    }

    /** Sends what is buffered and closes; a worker's last metrics are not lost on a clean exit. */
    @Override
    public void close() {
        producer.close();
    }
}
