package io.lrpipeline.kafka;

import java.time.Duration;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

/**
 * One consumer polled on its own daemon thread until closed: {@code setup} assigns or subscribes it on that thread
 * (a KafkaConsumer is single-threaded), {@code handler} gets every record. {@link #close()} sets the closed flag,
 * wakes the poll and waits; the consumer is closed in {@code finally} whatever ends the loop. A failure ends the
 * thread with one line on stderr, and {@link #isRunning()} tells the owner.
 */
public final class ConsumerRunner implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration CLOSE = Duration.ofSeconds(5);

    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private volatile boolean closed;

    private ConsumerRunner(String name, KafkaConsumer<String, String> consumer,
            Consumer<KafkaConsumer<String, String>> setup, Consumer<ConsumerRecord<String, String>> handler) {
        this.consumer = consumer;
        this.thread = new Thread(() -> run(setup, handler), name);
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler((stopped, e) -> System.err.println(stopped.getName() + " stopped: " + e.getMessage()));
    }

    public static ConsumerRunner start(String name, KafkaConsumer<String, String> consumer,
            Consumer<KafkaConsumer<String, String>> setup, Consumer<ConsumerRecord<String, String>> handler) {
        ConsumerRunner runner = new ConsumerRunner(name, consumer, setup, handler);
        runner.thread.start();
        return runner;
    }

    private void run(Consumer<KafkaConsumer<String, String>> setup, Consumer<ConsumerRecord<String, String>> handler) {
        try {
            setup.accept(consumer);
            while (!closed) {
                consumer.poll(POLL).forEach(handler);
            }
        } catch (WakeupException e) {
            if (!closed) {
                throw e;
            }
        } finally {
            consumer.close(CLOSE);
        }
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        consumer.wakeup();
        if (Thread.currentThread() != thread) {
            thread.join();
        }
    }
}
