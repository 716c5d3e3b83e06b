package io.lrpipeline.benchmarks;

import io.lrpipeline.events.Evaluation;
import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.TrainingMetric.EpochEnded;
import io.lrpipeline.events.TrainingMetric.EpochStarted;
import io.lrpipeline.events.TrainingMetric.RateSource;
import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.kafka.KafkaSettings;
import io.lrpipeline.kafka.TopicPartitions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Lightweight workers that do what a trainer does on the wire and nothing else: each has its own consumer of
 * {@code lr.events} polling all the time (all partitions assigned, like a trainer's feed), waits for its
 * epoch's rate, reports the epoch start, "trains" for a fixed time and reports the end, which makes the
 * scheduler publish the next rate. Returns, in milliseconds, the time from the scheduler issuing each event
 * to each worker's consumer receiving it.
 */
final class SimulatedWorkers {
    /** Milliseconds from issue to each worker's consumer, and from issue to applied for workers already waiting. */
    record Latencies(List<Double> received, List<Double> appliedWhileWaiting) {}

    /**
     * {@code workers} workers of run {@code runId} for {@code epochs} epochs, their clients built from {@code kafka};
     * latencies of the events of epochs from {@code firstMeasuredEpoch} on (epoch 0's event is issued when the first
     * worker joins, while the others' consumers may still be starting: 1 leaves that start-up out).
     */
    static Latencies run(KafkaSettings kafka, String runId, int workers, int epochs, Duration epochTime, int firstMeasuredEpoch)
            throws Exception {
        Latencies latencies = new Latencies(Collections.synchronizedList(new ArrayList<>()), Collections.synchronizedList(new ArrayList<>()));
        try (KafkaProducer<String, String> producer = kafka.producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, "0"))) {
            ExecutorService pool = Executors.newFixedThreadPool(workers);
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                String workerId = "sim-" + w;
                running.add(pool.submit(() -> {
                    work(kafka, runId, workerId, workers, epochs, epochTime, firstMeasuredEpoch, producer, latencies);
                    return null;
                }));
            }
            for (Future<?> worker : running) {
                worker.get();
            }
            pool.shutdown();
        }
        return latencies;
    }

    private static void work(KafkaSettings kafka, String runId, String workerId, int workers, int epochs, Duration epochTime,
            int firstMeasuredEpoch, KafkaProducer<String, String> producer, Latencies latencies) throws InterruptedException {
        BlockingQueue<LearningRateChanged> arrived = new LinkedBlockingQueue<>();
        Thread feed = new Thread(() -> feed(kafka, runId, epochs, firstMeasuredEpoch, arrived, latencies.received()), workerId + "-feed");
        feed.start();
        Instant waitingSince = Instant.now();
        publish(producer, new WorkerJoined(runId, workerId, workers, epochs, 0, 0, Map.of(), waitingSince));
        Map<Integer, LearningRateChanged> received = new HashMap<>();
        for (int epoch = 0; epoch < epochs; epoch++) {
            while (!received.containsKey(epoch)) {
                LearningRateChanged event = arrived.take();
                received.put(event.epoch(), event);
            }
            LearningRateChanged event = received.get(epoch);
            Instant applied = Instant.now();
            if (epoch >= firstMeasuredEpoch && !waitingSince.isAfter(event.issuedAt())) {
                latencies.appliedWhileWaiting().add(Duration.between(event.issuedAt(), applied).toNanos() / 1e6);
            }
            publish(producer, new EpochStarted(runId, workerId, epoch, event.learningRate(), event.scheduleVersion(),
                    RateSource.SCHEDULER, event.eventId(), epoch, applied));
            Thread.sleep(epochTime.toMillis()); // stands in for an epoch of training
            waitingSince = Instant.now();
            publish(producer, new EpochEnded(runId, workerId, epoch, 1, 1.0, new Evaluation(1.0, 0.5, null, 1), 1.0, event.learningRate(), waitingSince));
        }
        feed.join();
    }

    /** Like a trainer's feed: polls all the time, so what is measured is delivery, not the worker's own pace. */
    private static void feed(KafkaSettings kafka, String runId, int epochs, int firstMeasuredEpoch, BlockingQueue<LearningRateChanged> arrived,
            List<Double> latencies) {
        try (KafkaConsumer<String, String> consumer = kafka.committedReader()) {
            consumer.seekToBeginning(TopicPartitions.assignAll(consumer, List.of(Topics.LR_EVENTS), Duration.ofSeconds(30)));
            int seen = 0;
            while (seen < epochs) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    if (runId.equals(record.key())) {
                        Instant now = Instant.now();
                        LearningRateChanged event = EventJson.read(record.value(), LearningRateChanged.class);
                        if (event.epoch() >= firstMeasuredEpoch) {
                            latencies.add(Duration.between(event.issuedAt(), now).toNanos() / 1e6);
                        }
                        arrived.add(event);
                        seen++;
                    }
                }
            }
        }
    }

    private static void publish(KafkaProducer<String, String> producer, TrainingMetric metric) {
        producer.send(new ProducerRecord<>(Topics.TRAINING_METRICS, metric.runId(), EventJson.write(metric)));
    }

    private SimulatedWorkers() {}
}
