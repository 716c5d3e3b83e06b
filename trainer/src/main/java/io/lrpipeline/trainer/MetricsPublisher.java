package io.lrpipeline.trainer;

import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.kafka.KafkaSettings;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Publishes a worker's metrics on {@code training.metrics}, keyed by run id so a run's metrics stay in order. */
public final class MetricsPublisher implements Consumer<TrainingMetric>, AutoCloseable {
    private final KafkaProducer<String, String> producer;

    public MetricsPublisher(KafkaSettings kafka) {
        this.producer = kafka.producer(Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, "5"));
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
