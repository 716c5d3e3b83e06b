package io.lrpipeline.broker;

import io.lrpipeline.events.Topics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the contract's topics ({@link Topics#ALL}) with their partitions and configs, on any cluster. */
public final class ContractTopics {
    /** What became of one topic. */
    public enum Outcome { CREATED, EXISTED }

    private ContractTopics() {}

    /**
     * Creates each topic with {@code replicationFactor} replicas; a topic that exists is left as it is. Throws
     * {@link IllegalStateException} with Kafka's reason when a topic cannot be created (too few brokers, no ACL).
     */
    public static Map<String, Outcome> create(Admin admin, short replicationFactor) {
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        try {
            for (Topics.TopicSpec topic : Topics.ALL) {
                NewTopic newTopic = new NewTopic(topic.name(), topic.partitions(), replicationFactor).configs(topic.configs());
                try {
                    admin.createTopics(List.of(newTopic)).all().get();
                    outcomes.put(topic.name(), Outcome.CREATED);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + topic.name() + ": " + e.getCause().getMessage(), e.getCause());
                    }
                    outcomes.put(topic.name(), Outcome.EXISTED);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
        return outcomes;
    }
}
