package io.lrpipeline.localrun;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Waits on consumer groups through the Admin API: is a service consuming yet, has it caught up. */
final class ConsumerGroups {
    private final Admin admin;

    ConsumerGroups(Admin admin) {
        this.admin = admin;
    }

    /**
     * Until {@code group} has {@code members} members with partitions assigned; false if {@code stillWorthWaiting} turns
     * false or time runs out.
     */
    boolean awaitAssigned(String group, int members, Duration timeout, BooleanSupplier stillWorthWaiting) throws InterruptedException {
        return Polling.until(timeout, stillWorthWaiting, () -> {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            return description.members().stream().filter(m -> !m.assignment().topicPartitions().isEmpty()).count() >= members;
        });
    }

    /** Until {@code group} has committed offsets at the end of every partition of {@code topics}. */
    boolean awaitCaughtUp(String group, List<String> topics, Duration timeout) throws InterruptedException {
        return Polling.until(timeout, () -> true, () -> {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get().values().forEach(d -> d.partitions()
                    .forEach(p -> request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(request).all().get();
            return ends.entrySet().stream().allMatch(e -> e.getValue().offset() == 0
                    || (committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue().offset()));
        });
    }
}
