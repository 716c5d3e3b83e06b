package io.lrpipeline.benchmarks;

import io.lrpipeline.broker.LocalKafkaBroker;
import io.lrpipeline.kafka.KafkaSettings;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The floor under the scheduler's latency figures on this machine: what one Kafka round trip and one transaction
 * like the scheduler's cost on the in-process KRaft broker, with nothing else running. Side by side in one run, one
 * record at a time with a pause between (as a boundary comes after a quiet epoch): a plain send until acknowledged
 * and until a reader of committed records has it; then a transaction (begin, send, the consumed offsets, commit),
 * each step timed, with when a reader of uncommitted records and a reader of committed records see the record.
 * Prints figures; asserts nothing.
 */
@Command(name = "kafka-floor-benchmark", mixinStandardHelpOptions = true)
public final class KafkaFloorBenchmark implements Callable<Integer> {
    private static final String TOPIC = "floor.out";
    private static final String INPUT = "floor.in";
    private static final Duration ARRIVAL = Duration.ofSeconds(30);

    @Option(names = "--rounds", defaultValue = "500") int rounds;
    @Option(names = "--warm-up", defaultValue = "200") int warmUp;
    @Option(names = "--pause-ms", defaultValue = "20") long pauseMs;

    public static void main(String[] args) {
        System.exit(new CommandLine(new KafkaFloorBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(Files.createTempDirectory("lr-bench-floor"))) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = KafkaSettings.plain(bootstrap).admin()) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1), new NewTopic(INPUT, 3, (short) 1))).all().get();
            }
            try (EventArrivals committed = new EventArrivals(bootstrap, TOPIC, "read_committed", UnaryOperator.identity());
                    EventArrivals uncommitted = new EventArrivals(bootstrap, TOPIC, "read_uncommitted", UnaryOperator.identity());
                    KafkaConsumer<String, String> group = groupMember(bootstrap);
                    KafkaProducer<String, String> plain = producer(bootstrap, Map.of());
                    KafkaProducer<String, String> transactional = producer(bootstrap,
                            Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "floor-benchmark"))) {
                transactional.initTransactions();
                System.out.printf("%d CPU cores; %d rounds after %d of warm-up, %d ms apart; one record each; ms%n",
                        Runtime.getRuntime().availableProcessors(), rounds, warmUp, pauseMs);
                plainSends(plain, committed, warmUp, "warm-plain");
                transactions(transactional, group, committed, uncommitted, warmUp, "warm-txn");
                plainSends(plain, committed, rounds, "plain").print();
                transactions(transactional, group, committed, uncommitted, rounds, "txn").print();
            }
        }
        return 0;
    }

    private record Figures(Map<String, List<Double>> rows) {
        void print() {
            rows.forEach((name, millis) -> System.out.printf("  %-58s %s%n", name, Percentiles.describe(millis)));
        }
    }

    private Figures plainSends(KafkaProducer<String, String> producer, EventArrivals committed, int count, String prefix) throws Exception {
        List<Double> acked = new ArrayList<>();
        List<Double> read = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String value = prefix + "-" + i;
            Instant start = Instant.now();
            producer.send(new ProducerRecord<>(TOPIC, "run-" + i % 7, value)).get();
            acked.add(millisSince(start, Instant.now()));
            read.add(millisSince(start, committed.await(value, ARRIVAL).at()));
            Thread.sleep(pauseMs);
        }
        Map<String, List<Double>> rows = new LinkedHashMap<>();
        rows.put("plain send → acknowledged (one round trip)", acked);
        rows.put("plain send → a read_committed consumer has it", read);
        return new Figures(rows);
    }

    private Figures transactions(KafkaProducer<String, String> producer, KafkaConsumer<String, String> group, EventArrivals committed,
            EventArrivals uncommitted, int count, String prefix) throws Exception {
        List<Double> sent = new ArrayList<>();
        List<Double> offsets = new ArrayList<>();
        List<Double> commit = new ArrayList<>();
        List<Double> written = new ArrayList<>();
        List<Double> visible = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String value = prefix + "-" + i;
            Instant start = Instant.now();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, "run-" + i % 7, value));
            producer.flush();
            Instant afterSend = Instant.now();
            producer.sendOffsetsToTransaction(Map.of(new TopicPartition(INPUT, 0), new OffsetAndMetadata(i)), group.groupMetadata());
            Instant afterOffsets = Instant.now();
            producer.commitTransaction();
            Instant afterCommit = Instant.now();
            sent.add(millisSince(start, afterSend));
            offsets.add(millisSince(afterSend, afterOffsets));
            commit.add(millisSince(afterOffsets, afterCommit));
            written.add(millisSince(start, uncommitted.await(value, ARRIVAL).at()));
            visible.add(millisSince(start, committed.await(value, ARRIVAL).at()));
            Thread.sleep(pauseMs);
        }
        Map<String, List<Double>> rows = new LinkedHashMap<>();
        rows.put("transaction: begin + send + flush", sent);
        rows.put("transaction: sendOffsetsToTransaction", offsets);
        rows.put("transaction: commitTransaction", commit);
        rows.put("transaction begun → a read_uncommitted consumer has it", written);
        rows.put("transaction begun → a read_committed consumer has it", visible);
        return new Figures(rows);
    }

    private static double millisSince(Instant start, Instant end) {
        return Duration.between(start, end).toNanos() / 1e6;
    }

    private static KafkaProducer<String, String> producer(String bootstrap, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(extra);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return KafkaSettings.plain(bootstrap).producer(config);
    }

    /** A member of a consumer group, as the scheduler is one: the offsets its transactions commit are this group's. */
    private static KafkaConsumer<String, String> groupMember(String bootstrap) {
        KafkaConsumer<String, String> consumer = KafkaSettings.plain(bootstrap).consumer(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "floor-benchmark", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"));
        consumer.subscribe(List.of(INPUT));
        for (int i = 0; i < 50 && consumer.assignment().isEmpty(); i++) {
            consumer.poll(Duration.ofMillis(200));
        }
        return consumer;
    }
}
