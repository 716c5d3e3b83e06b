package io.lrpipeline.scheduler;

import io.lrpipeline.broker.LocalKafkaBroker;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

/** A real KRaft broker for the scheduler's tests, with the contract's topics, shared by every test of the suite. */
public class BrokerResource implements QuarkusTestResourceLifecycleManager {
    private LocalKafkaBroker broker;

    @Override
    public Map<String, String> start() {
        try {
            broker = LocalKafkaBroker.start(Files.createTempDirectory("scheduler-test-kafka"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        broker.createContractTopics();
        return Map.of("kafka.bootstrap.servers", broker.bootstrapServers());
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
        }
    }
}
