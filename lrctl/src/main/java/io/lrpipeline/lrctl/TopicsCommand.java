package io.lrpipeline.lrctl;

import io.lrpipeline.broker.ContractTopics;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lrctl topics}: the contract's topics, with their partitions and configs. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Creates the contract's topics and the scheduler's ledgers with their partitions and configs; topics that exist are left as they are.")
final class TopicsCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--replication-factor", paramLabel = "N", defaultValue = "1",
            description = "Replicas of each partition (default ${DEFAULT-VALUE}; 3 on a production cluster).")
    short replicationFactor;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (Admin admin = kafka.connectedAdmin()) {
            Map<String, ContractTopics.Outcome> outcomes = ContractTopics.create(admin, replicationFactor);
            outcomes.forEach((topic, outcome) -> spec.commandLine().getOut().printf("%-22s %s%n", topic,
                    outcome == ContractTopics.Outcome.CREATED ? "created" : "exists, left as it is"));
        }
        return 0;
    }
}
